package dev.wharf.core;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.Manifest;
import dev.wharf.api.ManifestPushed;
import dev.wharf.api.ImmutableTagRule;
import dev.wharf.api.Page;
import dev.wharf.api.Precondition;
import dev.wharf.api.Reference;
import dev.wharf.api.ReferrersQuery;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RegistryConfig;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.core.manifest.ManifestParser;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Manifests, tags, referrers and the catalog (end-3, end-7a/7b, end-8a/8b, end-9, end-12a/12b).
 *
 * <p>A manifest is stored byte for byte under the digest of those bytes; tags are mutable names pointing at
 * a digest. Changes to one repository's manifests and tags are serialised by a striped lock so that the
 * reference check and the write that depends on it see the same state.
 */
final class Manifests {
    private static final int LOCK_STRIPES = 64;

    private final MetadataStore meta;
    private final Access access;
    private final Events events;
    private final RegistryConfig config;
    private final StripedLocks repoLocks = new StripedLocks(LOCK_STRIPES);

    Manifests(MetadataStore meta, Access access, Events events, RegistryConfig config) {
        this.meta = meta;
        this.access = access;
        this.events = events;
        this.config = config;
    }

    /** Per-repository locks and change counters (garbage collection reads them). */
    StripedLocks repoLocks() {
        return repoLocks;
    }

    /** The lock serialising changes to {@code repo}'s manifests and tags (also taken by garbage collection). */
    private ReentrantLock lockFor(RepositoryName repo) {
        return repoLocks.lockFor(repo);
    }

    Manifest get(Caller caller, RepositoryName repo, Reference reference) {
        access.require(caller, Action.PULL, repo);
        Optional<Digest> digest = reference instanceof Tag tag ? meta.resolveTag(repo, tag) : Optional.of((Digest) reference);
        return digest.flatMap(d -> meta.manifestContent(repo, d)).orElseThrow(() -> notFound(repo, reference));
    }

    ManifestPushed push(Caller caller, RepositoryName repo, Reference reference, String contentType, byte[] bytes,
                        List<Tag> extraTags, Precondition condition) {
        access.require(caller, Action.PUSH, repo);
        if (bytes.length > config.maxManifestBytes()) {
            throw tooLarge(bytes.length, config.maxManifestBytes());
        }
        Digest digest;
        if (reference instanceof Digest expected) {
            digest = expected.algorithm().digest(bytes);
            if (!digest.equals(expected)) {
                throw new RegistryException(ErrorCode.DIGEST_INVALID, "manifest content has digest " + digest
                        + ", not " + expected, Map.of("expected", expected.toString(), "actual", digest.toString()));
            }
        } else {
            digest = DigestAlgorithm.SHA256.digest(bytes);
        }
        ManifestRecord record = ManifestParser.parse(digest, contentType, bytes).withPushedAt(config.clock().instant());
        Set<Tag> tags = new LinkedHashSet<>();
        if (reference instanceof Tag tag) {
            tags.add(tag);
        }
        tags.addAll(extraTags);

        ReentrantLock lock = lockFor(repo);
        List<TagMove> moves = new ArrayList<>(tags.size());
        lock.lock();
        try {
            checkCondition(repo, reference, condition);
            requireReferencesPresent(repo, record);
            for (Tag tag : tags) {
                Optional<Digest> from = meta.resolveTag(repo, tag);
                if (from.isPresent() && !from.get().equals(digest)) {
                    refuseIfImmutable(repo, tag, "move");
                }
                moves.add(new TagMove(tag, from, Optional.of(digest), record.pushedAt()));
            }
            meta.putManifest(repo, record, moves);
            repoLocks.changed(repo);
        } finally {
            lock.unlock();
        }
        events.publish(RegistryEvent.Type.MANIFEST_PUSHED, repo, Optional.of(digest), Optional.empty(), caller);
        for (TagMove move : moves) {
            if (move.isChange()) {
                events.publish(RegistryEvent.Type.TAG_UPDATED, repo, Optional.of(digest), Optional.of(move.tag()), caller);
            }
        }
        return new ManifestPushed(digest, List.copyOf(tags), record.subject());
    }

    /** Called under the repository lock, so the state checked is the state the push replaces. */
    private void checkCondition(RepositoryName repo, Reference reference, Precondition condition) {
        if (condition.isNone()) {
            return;
        }
        Optional<Digest> current = reference instanceof Tag tag ? meta.resolveTag(repo, tag)
                : meta.manifest(repo, (Digest) reference).map(ManifestRecord::digest);
        if (!condition.test(current)) {
            throw new RegistryException(ErrorCode.PRECONDITION_FAILED, (reference.isDigest() ? "manifest " : "tag ")
                    + reference + " in '" + repo + "' " + current.map(d -> "points to " + d).orElse("does not exist")
                    + ", which does not satisfy the request's If-Match/If-None-Match",
                    current.<Map<String, String>>map(d -> Map.of("current", d.toString())).orElse(Map.of()));
        }
    }

    static RegistryException tooLarge(long size, int limit) {
        return new RegistryException(ErrorCode.MANIFEST_INVALID, "manifest is " + size + " bytes; this registry accepts"
                + " manifests of at most " + limit + " bytes", Map.of("size", size, "limit", limit)).withStatus(413);
    }

    private void requireReferencesPresent(RepositoryName repo, ManifestRecord record) {
        List<Map<String, String>> missing = new ArrayList<>();
        for (Digest blob : record.blobs()) {
            if (!meta.isBlobLinked(repo, blob)) {
                missing.add(Map.of("digest", blob.toString(), "kind", "blob"));
            }
        }
        for (Digest child : record.children()) {
            if (meta.manifest(repo, child).isEmpty()) {
                missing.add(Map.of("digest", child.toString(), "kind", "manifest"));
            }
        }
        if (!missing.isEmpty()) {
            throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, "manifest references " + missing.size()
                    + " blob(s) or manifest(s) not present in repository '" + repo + "', first "
                    + missing.get(0).get("digest"), missing.size() == 1 ? missing.get(0) : Map.of("missing", missing));
        }
    }

    void delete(Caller caller, RepositoryName repo, Reference reference) {
        access.require(caller, Action.DELETE, repo);
        if (!config.deletesEnabled()) {
            throw DefaultRegistry.deletesDisabled();
        }
        ReentrantLock lock = lockFor(repo);
        boolean deleted;
        lock.lock();
        try {
            java.time.Instant now = config.clock().instant();
            if (reference instanceof Tag tag) {
                if (meta.resolveTag(repo, tag).isPresent()) {
                    refuseIfImmutable(repo, tag, "delete");
                }
                deleted = meta.deleteTag(repo, tag, now);
            } else {
                Digest digest = (Digest) reference;
                List<Tag> tags = meta.tagsOf(repo, digest, 10);
                for (Tag tag : tags) {
                    refuseIfImmutable(repo, tag, "delete");
                }
                if (!tags.isEmpty() && config.protectTaggedManifests()) {
                    throw new RegistryException(ErrorCode.DENIED, "manifest " + digest + " is still tagged ("
                            + tags.stream().map(Tag::value).collect(java.util.stream.Collectors.joining(", "))
                            + "); this registry protects tagged manifests: delete the tags first",
                            Map.of("tags", tags.stream().map(Tag::value).toList()));
                }
                deleted = meta.deleteManifest(repo, digest, now);
            }
        } finally {
            lock.unlock();
        }
        if (!deleted) {
            throw notFound(repo, reference);
        }
        if (reference instanceof Tag tag) {
            events.publish(RegistryEvent.Type.TAG_DELETED, repo, Optional.empty(), Optional.of(tag), caller);
        } else {
            events.publish(RegistryEvent.Type.MANIFEST_DELETED, repo, Optional.of((Digest) reference), Optional.empty(),
                    caller);
        }
    }

    private void refuseIfImmutable(RepositoryName repo, Tag tag, String what) {
        Optional<ImmutableTagRule> rule = config.immutableRule(repo, tag);
        if (rule.isPresent()) {
            throw new RegistryException(ErrorCode.DENIED, "cannot " + what + " tag '" + tag + "' in '" + repo
                    + "': it is immutable under the policy " + rule.get() + "; push a new tag instead",
                    Map.of("tag", tag.value(), "policy", rule.get().toString()));
        }
    }

    List<TagMove> history(Caller caller, RepositoryName repo, Tag tag) {
        access.require(caller, Action.PULL, repo);
        return meta.tagHistory(repo, tag);
    }

    Page<Tag> tags(Caller caller, RepositoryName repo, Optional<String> last, int limit) {
        access.require(caller, Action.PULL, repo);
        if (!meta.repositoryExists(repo)) {
            throw DefaultRegistry.nameUnknown(repo);
        }
        if (limit <= 0) {
            return new Page<>(List.of(), false);
        }
        return meta.tags(repo, last, limit);
    }

    ReferrersQuery referrers(Caller caller, RepositoryName repo, Digest subject, Optional<String> artifactType) {
        access.require(caller, Action.PULL, repo);
        List<Descriptor> all = meta.referrers(repo, subject);
        if (artifactType.isEmpty()) {
            return new ReferrersQuery(all, Optional.empty());
        }
        String wanted = artifactType.get();
        List<Descriptor> matching = all.stream().filter(d -> d.artifactType().filter(wanted::equals).isPresent()).toList();
        return new ReferrersQuery(matching, artifactType);
    }

    Page<RepositoryName> catalog(Caller caller, Optional<String> last, int limit) {
        if (limit <= 0) {
            return new Page<>(List.of(), false);
        }
        List<RepositoryName> visible = new ArrayList<>(limit);
        Optional<String> cursor = last;
        while (true) {
            Page<RepositoryName> page = meta.repositories(cursor, limit);
            for (RepositoryName name : page.items()) {
                // Listed only if readable, and "more" only if another listable name follows: neither the
                // names nor the page's continuation may reveal a repository the caller cannot read.
                if (access.permits(caller, Action.CATALOG, name) && access.permits(caller, Action.PULL, name)) {
                    if (visible.size() == limit) {
                        return new Page<>(visible, true);
                    }
                    visible.add(name);
                }
            }
            if (!page.hasMore()) {
                return new Page<>(visible, false);
            }
            cursor = Optional.of(page.last().value());
        }
    }

    private RegistryException notFound(RepositoryName repo, Reference reference) {
        if (!meta.repositoryExists(repo)) {
            return DefaultRegistry.nameUnknown(repo);
        }
        return new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest " + (reference.isDigest() ? "" : "tag ")
                + reference + " is not in repository '" + repo + "'", Map.of(reference.isDigest() ? "digest" : "tag",
                reference.toString()));
    }
}
