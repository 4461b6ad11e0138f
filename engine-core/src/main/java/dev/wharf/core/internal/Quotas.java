package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.BlobInfo;
import dev.wharf.api.ByteSize;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.Page;
import dev.wharf.api.QuotaLimits;
import dev.wharf.api.QuotaStatus;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.Usage;
import dev.wharf.api.UsageDifference;
import dev.wharf.spi.BlobReader;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.QuotaExceededException;
import dev.wharf.spi.QuotaPolicy;
import dev.wharf.spi.UsageLedger;
import dev.wharf.spi.UsageRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Quotas: the policy the metadata store counts usage for ({@link UsageLedger}), the checks made before upload
 * bytes arrive, the registry's refusal, usage reads filtered by read access, and the recount that builds or
 * verifies the stored counts from the content itself.
 *
 * <p>The authoritative check is the store's, in the atomic change that links a blob or stores a manifest or tag:
 * concurrent pushes racing for a scope's last bytes cannot both pass it. The checks here ({@link #checkBytes})
 * come earlier, so that bytes a push could never keep are refused before they are received, and a refused
 * request leaves its upload session as it was.
 */
public final class Quotas {
    private final Optional<QuotaPolicy> policy;
    private final Optional<UsageLedger> ledger;
    private final ErrorCode refusalCode;
    private final MetadataStore meta;
    private final BlobReader blobs;
    private final Access access;

    public Quotas(Optional<QuotaPolicy> policy, ErrorCode refusalCode, MetadataStore meta, BlobReader blobs,
                  Access access) {
        this.policy = policy;
        this.ledger = meta.usageLedger();
        this.refusalCode = refusalCode;
        this.meta = meta;
        this.blobs = blobs;
        this.access = access;
        if (policy.isPresent() && ledger.isEmpty()) {
            throw new IllegalArgumentException("quotas are configured, but the metadata store "
                    + meta.getClass().getName() + " keeps no usage counts (MetadataStore.usageLedger())");
        }
    }

    /**
     * Makes the store count for the configured policy, recounting first when its counts were made for another
     * one (or none). Call before the registry serves anything.
     */
    public void start() {
        if (ledger.isEmpty()) {
            return;
        }
        UsageLedger counts = ledger.get();
        String wanted = policy.map(QuotaPolicy::countingKey).orElse("");
        if (!counts.countingKey().equals(wanted)) {
            Recount recount = policy.isPresent() ? recount(policy.get()) : new Recount(Map.of(), Map.of());
            counts.replace(wanted, recount.usages(), recount.references());
        }
        counts.count(policy);
    }

    /** True when a quota policy is configured. */
    public boolean enabled() {
        return policy.isPresent();
    }

    /** Runs a store change, turning the store's quota refusal into the registry's. */
    public void counted(Runnable change) {
        try {
            change.run();
        } catch (QuotaExceededException e) {
            throw refusal(e);
        }
    }

    /** As {@link #counted(Runnable)}, with a result. */
    public <T> T counted(Supplier<T> change) {
        try {
            return change.get();
        } catch (QuotaExceededException e) {
            throw refusal(e);
        }
    }

    /**
     * Refuses, before any byte arrives, bytes that {@code repo} could not keep: {@code bytes} more (the size of the
     * blob being uploaded, as far as it is known), or nothing for a scope that already holds {@code digest} in a
     * repository {@code caller} may pull (one it cannot pull is not asked about, so that a refusal never tells
     * whether it holds the digest).
     */
    public void checkBytes(Caller caller, RepositoryName repo, Optional<Digest> digest, long bytes) {
        if (policy.isEmpty() || bytes <= 0) {
            return;
        }
        for (String scope : policy.get().scopes(repo)) {
            long limit = policy.get().limits(scope).bytes();
            if (limit == QuotaLimits.UNLIMITED) {
                continue;
            }
            long used = ledger.get().usage(scope).bytes();
            if (bytes <= limit - used) {
                continue;
            }
            if (digest.isPresent() && heldReadably(caller, scope, digest.get())) {
                continue;
            }
            throw refusal(new QuotaExceededException(scope, Usage.Kind.BYTES, limit, used, bytes));
        }
    }

    /**
     * Everything the link of a {@code bytes}-byte blob into {@code repo} will be checked for, checked before the
     * blob is stored: its bytes ({@link #checkBytes}) and, when it would create the repository, the repositories
     * limits. The store checks again when it links, against racing pushes.
     */
    public void checkLink(Caller caller, RepositoryName repo, Digest digest, long bytes) {
        checkBytes(caller, repo, Optional.of(digest), bytes);
        checkRepository(repo);
    }

    /** Refuses to start filling a repository that does not exist yet in a scope already holding all it may. */
    public void checkRepository(RepositoryName repo) {
        if (policy.isEmpty() || meta.repositoryExists(repo)) {
            return;
        }
        for (String scope : policy.get().scopes(repo)) {
            long limit = policy.get().limits(scope).repositories();
            long used = ledger.get().usage(scope).repositories();
            if (limit != QuotaLimits.UNLIMITED && used >= limit) {
                throw refusal(new QuotaExceededException(scope, Usage.Kind.REPOSITORIES, limit, used, 1));
            }
        }
    }

    /** True if a repository of {@code scope} that {@code caller} may pull links {@code digest}. */
    private boolean heldReadably(Caller caller, String scope, Digest digest) {
        return ledger.get().reference(scope, digest).isPresent() && access.readableLinker(meta, caller, digest,
                holder -> policy.get().scopes(holder).contains(scope)).isPresent();
    }

    /**
     * The registry's answer to a crossed quota: 403 with code {@code DENIED} (or {@code QUOTA_EXCEEDED} when so
     * configured), a message a person can act on, and the numbers in the detail.
     */
    RegistryException refusal(QuotaExceededException e) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("reason", "QUOTA_EXCEEDED");
        detail.put("scope", e.scope());
        detail.put("kind", e.kind().label());
        detail.put("limit", e.limit());
        detail.put("used", e.used());
        detail.put("requested", e.requested());
        return new RegistryException(refusalCode, message(e), detail);
    }

    private static String message(QuotaExceededException e) {
        if (e.kind() == Usage.Kind.BYTES) {
            return "quota exceeded: " + e.scope() + " may store " + ByteSize.format(e.limit()) + "; "
                    + ByteSize.format(e.used()) + " is stored and this push needs " + ByteSize.format(e.requested())
                    + " more";
        }
        String what = e.kind().label();
        return "quota exceeded: " + e.scope() + " may hold " + e.limit() + " " + what + "; " + e.used()
                + " are held and this push adds " + e.requested();
    }

    /**
     * The usage of {@code scope} (a repository name or a namespace rule's glob), if it is a scope of the policy
     * and {@code caller} may read it: a repository's when they may pull it, a namespace's when they may pull every
     * repository it holds. Unknown and unreadable scopes look alike (empty).
     */
    public Optional<QuotaStatus> usage(Caller caller, String scope) {
        if (policy.isEmpty()) {
            return Optional.empty();
        }
        QuotaLimits limits = policy.get().limits(scope);
        Usage used = ledger.get().usage(scope);
        Optional<RepositoryName> repository = asRepository(scope);
        boolean known = !limits.isNone() || !used.isZero()
                || repository.map(r -> policy.get().scopes(r).contains(scope)).orElse(false);
        if (!known || !mayRead(caller, scope, repository)) {
            return Optional.empty();
        }
        return Optional.of(new QuotaStatus(scope, used, limits));
    }

    /** The usage of every scope counting {@code repository} that {@code caller} may read. */
    public List<QuotaStatus> usageOf(Caller caller, RepositoryName repository) {
        access.require(caller, Action.PULL, repository);
        if (policy.isEmpty()) {
            return List.of();
        }
        List<QuotaStatus> found = new ArrayList<>();
        for (String scope : policy.get().scopes(repository)) {
            usage(caller, scope).ifPresent(found::add);
        }
        return found;
    }

    private boolean mayRead(Caller caller, String scope, Optional<RepositoryName> repository) {
        if (repository.isPresent() && policy.get().scopes(repository.get()).contains(scope)) {
            return access.permits(caller, Action.PULL, repository.get());
        }
        return everyRepository(name -> !policy.get().scopes(name).contains(scope)
                || access.permits(caller, Action.PULL, name));
    }

    /** True if {@code test} holds for every repository, asked in name order until one fails it. */
    private boolean everyRepository(java.util.function.Predicate<RepositoryName> test) {
        Optional<String> after = Optional.empty();
        while (true) {
            Page<RepositoryName> page = meta.repositories(after, 1000);
            for (RepositoryName name : page.items()) {
                if (!test.test(name)) {
                    return false;
                }
            }
            if (!page.hasMore() || page.items().isEmpty()) {
                return true;
            }
            after = Optional.of(page.items().get(page.items().size() - 1).value());
        }
    }

    private static Optional<RepositoryName> asRepository(String scope) {
        try {
            return Optional.of(RepositoryName.of(scope));
        } catch (RegistryException e) {
            return Optional.empty();
        }
    }

    /**
     * Recounts every scope from the stored links, manifests and tags and compares the result with the stored
     * counts; with {@code repair}, replaces the stored counts with the recount. Exact when nothing changes the
     * registry meanwhile.
     */
    public List<UsageDifference> verify(boolean repair) {
        if (policy.isEmpty()) {
            return List.of();
        }
        Recount recount = recount(policy.get());
        Map<String, Usage> stored = ledger.get().usages();
        List<UsageDifference> differences = new ArrayList<>();
        for (String scope : new TreeSet<>(union(stored.keySet(), recount.usages().keySet()))) {
            Usage had = stored.getOrDefault(scope, Usage.ZERO);
            Usage counted = recount.usages().getOrDefault(scope, Usage.ZERO);
            if (!had.equals(counted)) {
                differences.add(new UsageDifference(scope, had, counted));
            }
        }
        if (repair && !differences.isEmpty()) {
            ledger.get().replace(policy.get().countingKey(), recount.usages(), recount.references());
        }
        return differences;
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** Usage recounted from content. */
    private record Recount(Map<String, Usage> usages, Map<String, Map<Digest, UsageRef>> references) {
    }

    private Recount recount(QuotaPolicy counted) {
        Map<String, Map<Digest, long[]>> refs = new TreeMap<>();
        Map<String, long[]> kinds = new TreeMap<>(); // manifests, tags, repositories
        Map<Digest, Long> sizes = new HashMap<>();
        meta.forEachLink((repo, digest) -> {
            long size = sizes.computeIfAbsent(digest, d -> blobs.stat(d).map(BlobInfo::size).orElse(0L));
            for (String scope : counted.scopes(repo)) {
                long[] ref = refs.computeIfAbsent(scope, s -> new HashMap<>()).computeIfAbsent(digest,
                        d -> new long[] {0, size});
                ref[0]++;
            }
        });
        meta.forEachManifest((repo, record) -> {
            for (String scope : counted.scopes(repo)) {
                long[] ref = refs.computeIfAbsent(scope, s -> new HashMap<>()).computeIfAbsent(record.digest(),
                        d -> new long[] {0, record.manifest().size()});
                ref[0]++;
                kinds.computeIfAbsent(scope, s -> new long[3])[0]++;
            }
        });
        everyRepository(repo -> {
            List<String> scopes = counted.scopes(repo);
            if (!scopes.isEmpty()) {
                long tagCount = countTags(repo);
                for (String scope : scopes) {
                    long[] k = kinds.computeIfAbsent(scope, s -> new long[3]);
                    k[1] += tagCount;
                    k[2]++;
                }
            }
            return true;
        });
        Map<String, Usage> usages = new TreeMap<>();
        Map<String, Map<Digest, UsageRef>> references = new TreeMap<>();
        for (String scope : union(refs.keySet(), kinds.keySet())) {
            long bytes = 0;
            Map<Digest, UsageRef> scopeRefs = new HashMap<>();
            for (Map.Entry<Digest, long[]> e : refs.getOrDefault(scope, Map.of()).entrySet()) {
                bytes += e.getValue()[1];
                scopeRefs.put(e.getKey(), new UsageRef(e.getValue()[0], e.getValue()[1]));
            }
            long[] k = kinds.getOrDefault(scope, new long[3]);
            Usage usage = new Usage(bytes, k[0], k[1], k[2]);
            if (!usage.isZero()) {
                usages.put(scope, usage);
            }
            if (!scopeRefs.isEmpty()) {
                references.put(scope, scopeRefs);
            }
        }
        return new Recount(usages, references);
    }

    private long countTags(RepositoryName repo) {
        long n = 0;
        Optional<String> after = Optional.empty();
        while (true) {
            Page<Tag> page = meta.tags(repo, after, 1000);
            n += page.items().size();
            if (!page.hasMore() || page.items().isEmpty()) {
                return n;
            }
            after = Optional.of(page.items().get(page.items().size() - 1).value());
        }
    }
}
