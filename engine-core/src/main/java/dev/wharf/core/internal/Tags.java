package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.ImmutableTagRule;
import dev.wharf.api.Page;
import dev.wharf.api.Precondition;
import dev.wharf.api.Reference;
import dev.wharf.api.RegistryConfig;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.PendingEvents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;

/**
 * Tags as refs (spec end-8a/8b listing, end-9 deleting a tag): mutable, repository-scoped names for manifest
 * digests, with their history, the immutable-tag policy and conditional moves ({@code If-Match} /
 * {@code If-None-Match}). Tags are created and moved by manifest pushes ({@link Manifests}), which ask this
 * class for the moves and the checks. A push reads where its tags point under the repository's shared lock,
 * and the store writes it only if they still point there ({@link MetadataStore#putManifest}), so what the
 * checks saw is what the change replaces; deleting a tag holds the lock alone.
 */
public final class Tags {
    /** Tags of one manifest examined when deleting it: all of them, since each gets its own event. */
    private static final int ALL_TAGS = Integer.MAX_VALUE;

    private final MetadataStore meta;
    private final Access access;
    private final Events events;
    private final RegistryConfig config;
    private final StripedLocks repoLocks;

    public Tags(MetadataStore meta, Access access, Events events, RegistryConfig config, StripedLocks repoLocks) {
        this.meta = meta;
        this.access = access;
        this.events = events;
        this.config = config;
        this.repoLocks = repoLocks;
    }

    /** end-8a/8b: a page of tag names in ASCII order; NAME_UNKNOWN for a repository that does not exist. */
    public Page<Tag> list(Caller caller, RepositoryName repo, Optional<String> last, int limit) {
        access.require(caller, Action.PULL, repo);
        if (!meta.repositoryExists(repo)) {
            throw Errors.nameUnknown(repo);
        }
        if (limit <= 0) {
            return new Page<>(List.of(), false);
        }
        return meta.tags(repo, last, limit);
    }

    /** The tag's recorded moves, newest first. */
    public List<TagMove> history(Caller caller, RepositoryName repo, Tag tag) {
        access.require(caller, Action.PULL, repo);
        return meta.tagHistory(repo, tag);
    }

    /** end-9 by tag: removes the name only; the manifest stays. */
    public void delete(Caller caller, RepositoryName repo, Tag tag) {
        access.require(caller, Action.DELETE, repo);
        if (!config.deletesEnabled()) {
            throw Errors.deletesDisabled();
        }
        Lock lock = repoLocks.exclusive(repo);
        PendingEvents pending = PendingEvents.none();
        lock.lock();
        try {
            Optional<Digest> pointed = meta.resolveTag(repo, tag);
            if (pointed.isEmpty()) {
                throw notFound(repo, tag);
            }
            refuseIfImmutable(repo, tag, "delete");
            if (events.recording()) {
                Optional<ManifestRecord> manifest = meta.manifest(repo, pointed.get());
                if (manifest.isPresent()) {
                    pending = events.pending(events.manifest(RegistryEvent.Type.TAG_DELETED,
                            RegistryEvent.Origin.CLIENT, caller, repo, manifest.get(), Optional.of(tag)));
                }
            }
            if (!meta.deleteTag(repo, tag, config.clock().instant(), pending)) {
                throw notFound(repo, tag);
            }
            repoLocks.changed(repo);
        } finally {
            lock.unlock();
        }
        events.deliver(pending);
    }

    // ---- policy, called under the repository lock ----

    /**
     * The moves that point {@code tags} at {@code digest}, each from where the tag points now. Read under the
     * repository's shared lock: the store applies them only if the tags still point there.
     */
    List<TagMove> movesTo(RepositoryName repo, Collection<Tag> tags, Digest digest, Instant at) {
        List<TagMove> moves = new ArrayList<>(tags.size());
        for (Tag tag : tags) {
            moves.add(new TagMove(tag, meta.resolveTag(repo, tag), Optional.of(digest), at));
        }
        return moves;
    }

    /** Refuses the push if one of {@code moves} would move an immutable tag to another manifest. */
    void refuseImmutableMoves(RepositoryName repo, List<TagMove> moves) {
        for (TagMove move : moves) {
            if (move.from().isPresent() && move.isChange()) {
                refuseIfImmutable(repo, move.tag(), "move");
            }
        }
    }

    /**
     * PRECONDITION_FAILED unless what {@code reference} points to satisfies {@code condition}. A tag is judged
     * by where its move starts ({@code moves} holds one for it), so the condition and the store's
     * compare-and-set see the same state; a digest by whether the manifest exists (callers hold the
     * repository's lock exclusively for that).
     */
    void checkCondition(RepositoryName repo, Reference reference, Precondition condition, List<TagMove> moves) {
        if (condition.isNone()) {
            return;
        }
        Optional<Digest> current;
        if (reference instanceof Tag tag) {
            current = moves.stream().filter(m -> m.tag().equals(tag)).findFirst().map(TagMove::from)
                    .orElseGet(() -> meta.resolveTag(repo, tag));
        } else {
            current = meta.manifest(repo, (Digest) reference).map(ManifestRecord::digest);
        }
        if (!condition.test(current)) {
            throw Errors.preconditionFailed(repo, reference, current);
        }
    }

    /**
     * The tags a delete of manifest {@code digest} removes, after checking that the policy lets them go (no
     * immutable tag; no tag at all when tagged manifests are protected).
     */
    List<Tag> releasableTagsOf(RepositoryName repo, Digest digest) {
        List<Tag> tags = meta.tagsOf(repo, digest, ALL_TAGS);
        for (Tag tag : tags) {
            refuseIfImmutable(repo, tag, "delete");
        }
        if (!tags.isEmpty() && config.protectTaggedManifests()) {
            throw Errors.taggedManifestProtected(digest, tags.subList(0, Math.min(tags.size(), 10)));
        }
        return tags;
    }

    private void refuseIfImmutable(RepositoryName repo, Tag tag, String what) {
        Optional<ImmutableTagRule> rule = config.immutableRule(repo, tag);
        if (rule.isPresent()) {
            throw Errors.immutableTag(repo, tag, what, rule.get());
        }
    }

    private RuntimeException notFound(RepositoryName repo, Tag tag) {
        return meta.repositoryExists(repo) ? Errors.manifestUnknown(repo, tag) : Errors.nameUnknown(repo);
    }
}
