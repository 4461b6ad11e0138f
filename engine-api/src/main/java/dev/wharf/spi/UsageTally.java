package dev.wharf.spi;

import dev.wharf.api.Digest;
import dev.wharf.api.QuotaLimits;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Usage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The usage counting of one change to one repository, shared by every metadata store so that they all count
 * alike. A store's mutating method reports what its change does to the repository (a new link, a manifest
 * removed, two tags gone...), then, inside the same atomic write, calls {@link #apply} with a {@link View} of its
 * usage records: the tally reads what it needs, refuses with a {@link QuotaExceededException} a change that
 * would take a scope past a limit (before anything is written), and otherwise writes the new counts through the
 * view. Decreases are never refused. A store must keep concurrent applications apart (one lock around read,
 * apply and commit, for example), as they read and write shared counters.
 *
 * <p>Report only what the change really does: a link that already existed, a tag that only moved, a manifest
 * pushed again are no change to usage. Used by one thread.
 */
public final class UsageTally {
    /** The size of a link whose size the caller did not give ({@link RepositoryLinks#linkBlob(RepositoryName, Digest)}). */
    public static final long UNKNOWN_SIZE = -1;

    private final QuotaPolicy policy;
    private final RepositoryName repository;
    private final List<String> scopes;
    /** Net change of each digest's count, with the size to count it at (for additions). */
    private final Map<Digest, long[]> digests = new LinkedHashMap<>();
    private long manifests;
    private long tags;
    private long repositories;

    /** Where a store keeps its usage records, read and written inside one atomic change. */
    public interface View {
        /** The scope's usage, {@link Usage#ZERO} when it has none. */
        Usage usage(String scope);

        /** How often the scope holds {@code digest}; empty when it does not. */
        Optional<UsageRef> reference(String scope, Digest digest);

        /** Writes the scope's usage ({@link Usage#ZERO} may be written or deleted). */
        void putUsage(String scope, Usage usage);

        /** Writes how often the scope holds {@code digest}; {@code null} deletes the record. */
        void putReference(String scope, Digest digest, UsageRef reference);
    }

    /** A tally of a change to {@code repository}, counted for {@code policy}'s scopes. */
    public UsageTally(QuotaPolicy policy, RepositoryName repository) {
        this.policy = policy;
        this.repository = repository;
        this.scopes = policy.scopes(repository);
    }

    /** The repository the change is to. */
    public RepositoryName repository() {
        return repository;
    }

    /** True when no scope counts this repository or the change reported nothing: {@link #apply} has nothing to do. */
    public boolean isEmpty() {
        return scopes.isEmpty() || (digests.isEmpty() && manifests == 0 && tags == 0 && repositories == 0);
    }

    /** The change links a blob the repository did not link. */
    public UsageTally linked(Digest digest, long size) {
        if (size < 0 && !scopes.isEmpty()) {
            throw new IllegalArgumentException("the size of " + digest + " is needed to count it for quotas");
        }
        return held(digest, size, +1);
    }

    /** The change removes one of the repository's links. */
    public UsageTally unlinked(Digest digest) {
        return held(digest, 0, -1);
    }

    /** The change stores a manifest the repository did not hold. */
    public UsageTally manifestAdded(Digest digest, long size) {
        manifests++;
        return held(digest, size, +1);
    }

    /** The change removes one of the repository's manifests. */
    public UsageTally manifestRemoved(Digest digest) {
        manifests--;
        return held(digest, 0, -1);
    }

    /** The change creates {@code count} tags. */
    public UsageTally tagsAdded(int count) {
        tags += count;
        return this;
    }

    /** The change deletes {@code count} tags. */
    public UsageTally tagsRemoved(int count) {
        tags -= count;
        return this;
    }

    /** The change makes the repository hold something where it held nothing. */
    public UsageTally repositoryCreated() {
        repositories++;
        return this;
    }

    /** The change leaves the repository holding nothing. */
    public UsageTally repositoryEmptied() {
        repositories--;
        return this;
    }

    private UsageTally held(Digest digest, long size, int delta) {
        long[] entry = digests.computeIfAbsent(digest, d -> new long[] {0, 0});
        entry[0] += delta;
        if (delta > 0) {
            entry[1] = size;
        }
        return this;
    }

    /**
     * Checks every scope's limits against the change, then writes the new counts through {@code view}; writes
     * nothing when a limit would be crossed.
     *
     * @throws QuotaExceededException naming the first scope and kind whose limit the change would cross
     */
    public void apply(View view) {
        if (isEmpty()) {
            return;
        }
        record Write(String scope, Usage usage, Map<Digest, UsageRef> references) {
        }
        List<Write> writes = new ArrayList<>(scopes.size());
        for (String scope : scopes) {
            Usage before = view.usage(scope);
            long bytes = 0;
            Map<Digest, UsageRef> references = new LinkedHashMap<>();
            for (Map.Entry<Digest, long[]> e : digests.entrySet()) {
                long delta = e.getValue()[0];
                if (delta == 0) {
                    continue;
                }
                Optional<UsageRef> old = view.reference(scope, e.getKey());
                long count = old.map(UsageRef::count).orElse(0L);
                long size = old.map(UsageRef::size).orElse(e.getValue()[1]);
                long now = Math.max(0, count + delta);
                if (count == 0 && now > 0) {
                    bytes += size;
                } else if (count > 0 && now == 0) {
                    bytes -= size;
                }
                references.put(e.getKey(), now == 0 ? null : new UsageRef(now, size));
            }
            Usage delta = new Usage(bytes, manifests, tags, repositories);
            check(scope, before, delta);
            Usage after = before.plus(delta);
            writes.add(new Write(scope, new Usage(Math.max(0, after.bytes()), Math.max(0, after.manifests()),
                    Math.max(0, after.tags()), Math.max(0, after.repositories())), references));
        }
        for (Write write : writes) {
            view.putUsage(write.scope(), write.usage());
            write.references().forEach((digest, reference) -> view.putReference(write.scope(), digest, reference));
        }
    }

    private void check(String scope, Usage before, Usage delta) {
        QuotaLimits limits = null;
        for (Usage.Kind kind : Usage.Kind.values()) {
            long added = delta.of(kind);
            if (added <= 0) {
                continue;
            }
            if (limits == null) {
                limits = policy.limits(scope);
            }
            long limit = limits.of(kind);
            long used = before.of(kind);
            if (limit != QuotaLimits.UNLIMITED && used + added > limit) {
                throw new QuotaExceededException(scope, kind, limit, used, added);
            }
        }
    }
}
