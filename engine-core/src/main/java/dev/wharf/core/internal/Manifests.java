package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Manifest;
import dev.wharf.api.ManifestPushed;
import dev.wharf.api.Precondition;
import dev.wharf.api.Reference;
import dev.wharf.api.RegistryConfig;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.core.manifest.ManifestParser;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.PendingEvents;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;

/**
 * Manifests (spec end-3 pull, end-7a/7b push, end-9 delete by digest). A manifest is stored byte for byte
 * under the digest of those bytes; it is parsed once, at push, for what it references ({@link ManifestParser}).
 * A push stores the manifest, moves its tags ({@link Tags} decides the moves) and indexes its subject in one
 * atomic store change. Pushes to one repository share its lock: each reads where its tags point, checks, and
 * has the store write only if the tags still point there (a compare-and-set); one that loses a race reads
 * again holding the lock alone. Deletes hold the lock alone, so a push never interleaves with one. No lock is
 * held while the change is made durable ({@link Durability}).
 */
public final class Manifests {
    private final MetadataStore meta;
    private final Tags tags;
    private final Access access;
    private final Events events;
    private final RegistryConfig config;
    private final StripedLocks repoLocks;
    private final Quotas quotas;
    private final ContentPolicy contentPolicy;

    public Manifests(MetadataStore meta, Tags tags, Access access, Events events, RegistryConfig config,
                     StripedLocks repoLocks, Quotas quotas, ContentPolicy contentPolicy) {
        this.quotas = quotas;
        this.contentPolicy = contentPolicy;
        this.meta = meta;
        this.tags = tags;
        this.access = access;
        this.events = events;
        this.config = config;
        this.repoLocks = repoLocks;
    }

    /** end-3: the manifest a tag or digest names; MANIFEST_UNKNOWN or NAME_UNKNOWN if absent. */
    public Manifest get(Caller caller, RepositoryName repo, Reference reference) {
        access.require(caller, Action.PULL, repo);
        Optional<Manifest> found = reference instanceof Tag tag ? meta.taggedManifestContent(repo, tag)
                : meta.manifestContent(repo, (Digest) reference);
        return found.orElseThrow(() -> notFound(repo, reference));
    }

    /** end-7a/7b: stores the manifest and points {@code reference} (if a tag) and {@code extraTags} at it. */
    public ManifestPushed push(Caller caller, RepositoryName repo, Reference reference, String contentType,
                               byte[] bytes, List<Tag> extraTags, Precondition condition) {
        access.require(caller, Action.PUSH, repo);
        if (bytes.length > config.maxManifestBytes()) {
            throw Errors.manifestTooLarge(bytes.length, config.maxManifestBytes());
        }
        Digest digest;
        if (reference instanceof Digest expected) {
            digest = expected.algorithm().digest(bytes);
            if (!digest.equals(expected)) {
                throw Errors.manifestDigestMismatch(expected, digest);
            }
        } else {
            digest = DigestAlgorithm.SHA256.digest(bytes);
        }
        ManifestParser.Parsed parsed;
        try {
            parsed = ManifestParser.parseDetailed(digest, contentType, bytes);
        } catch (ManifestParser.InvalidManifestException e) {
            throw Errors.manifestInvalid(e.getMessage());
        }
        contentPolicy.check(repo, parsed);
        ManifestRecord record = parsed.record().withPushedAt(config.clock().instant());
        Set<Tag> tagged = new LinkedHashSet<>();
        if (reference instanceof Tag tag) {
            tagged.add(tag);
        }
        tagged.addAll(extraTags);

        // A condition on a digest is about the manifest's existence, which no compare-and-set on tags covers.
        boolean alone = reference instanceof Digest && !condition.isNone();
        put(repo, record, tagged, alone, checking -> {
            tags.checkCondition(repo, reference, condition, checking);
            requireReferencesPresent(repo, record);
            tags.refuseImmutableMoves(repo, checking);
        }, RegistryEvent.Origin.CLIENT, caller);
        return new ManifestPushed(digest, List.copyOf(tagged), record.subject());
    }

    /**
     * Stores a manifest a pull-through mirror fetched from its upstream and verified, pointing {@code tag} (if
     * any) at it. No access, reference or tag policy check applies: the upstream is the authority on its
     * content, and a mirror holds only what was pulled (an index's children arrive when they are asked for).
     *
     * @throws RegistryException UPSTREAM_UNAVAILABLE when the bytes are not a manifest this registry can hold
     */
    ManifestRecord storeFetched(Caller caller, RepositoryName repo, Digest digest, String contentType, byte[] bytes,
                                Optional<Tag> tag, String upstreamHost) {
        ManifestParser.Parsed parsed;
        try {
            parsed = ManifestParser.parseDetailed(digest, contentType, bytes);
        } catch (ManifestParser.InvalidManifestException e) {
            throw Errors.upstreamUnavailable(upstreamHost + " served a manifest this registry cannot hold: "
                    + e.getMessage(), 0);
        }
        contentPolicy.check(repo, parsed); // a mirror holds only what this registry accepts
        ManifestRecord record = parsed.record().withPushedAt(config.clock().instant());
        put(repo, record, tag.map(List::of).orElse(List.of()), false, checking -> { }, RegistryEvent.Origin.MIRROR,
                caller);
        return record;
    }

    /**
     * Stores {@code record} and points {@code tagged} at it, after {@code checks} (which throw to refuse) have seen
     * the moves, all under the repository's lock: shared, with the store's compare-and-set on the tags, or held
     * alone from the start when {@code alone}. A push that loses a race reads and checks again, alone.
     */
    private void put(RepositoryName repo, ManifestRecord record, Collection<Tag> tagged, boolean alone,
                     Consumer<List<TagMove>> checks, RegistryEvent.Origin origin, Caller caller) {
        while (true) {
            Lock lock = alone ? repoLocks.exclusive(repo) : repoLocks.shared(repo);
            lock.lock();
            PendingEvents pending;
            try {
                List<TagMove> moves = tags.movesTo(repo, tagged, record.digest(), record.pushedAt());
                checks.accept(moves);
                pending = pushed(origin, caller, repo, record, moves);
                PendingEvents change = pending;
                if (!quotas.counted(() -> meta.putManifest(repo, record, moves, change))) {
                    pending = null;
                } else {
                    repoLocks.changed(repo);
                }
                if (pending == null && alone) { // nothing else changes the repository's tags while held alone
                    throw new IllegalStateException("the metadata store refused to move tags of " + repo
                            + " from where it had just said they point");
                }
            } finally {
                lock.unlock();
            }
            if (pending != null) {
                events.deliver(pending);
                return;
            }
            alone = true; // another push moved one of the tags since they were read: read again, alone
        }
    }

    /** A push's events: the manifest stored, then each tag it created or moved. */
    private PendingEvents pushed(RegistryEvent.Origin origin, Caller caller, RepositoryName repo,
                                 ManifestRecord record, List<TagMove> moves) {
        if (!events.recording()) {
            return PendingEvents.none();
        }
        List<RegistryEvent> all = new ArrayList<>(moves.size() + 1);
        all.add(events.manifest(RegistryEvent.Type.MANIFEST_PUSHED, origin, caller, repo, record, Optional.empty()));
        for (TagMove move : moves) {
            if (move.isChange()) {
                all.add(events.manifest(RegistryEvent.Type.TAG_UPDATED, origin, caller, repo, record,
                        Optional.of(move.tag())));
            }
        }
        return events.pending(all);
    }

    /** end-9 by digest: removes the manifest with its tags and referrers entry, as the tag policy allows. */
    public void delete(Caller caller, RepositoryName repo, Digest digest) {
        access.require(caller, Action.DELETE, repo);
        if (!config.deletesEnabled()) {
            throw Errors.deletesDisabled();
        }
        Lock lock = repoLocks.exclusive(repo);
        PendingEvents pending;
        lock.lock();
        try {
            ManifestRecord record = meta.manifest(repo, digest).orElseThrow(() -> notFound(repo, digest));
            pending = events.removal(RegistryEvent.Origin.CLIENT, caller, repo, record,
                    tags.releasableTagsOf(repo, digest));
            if (!meta.deleteManifest(repo, digest, config.clock().instant(), pending)) {
                throw notFound(repo, digest);
            }
            repoLocks.changed(repo);
        } finally {
            lock.unlock();
        }
        events.deliver(pending);
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
            throw Errors.manifestReferencesMissing(repo, missing);
        }
    }

    private RuntimeException notFound(RepositoryName repo, Reference reference) {
        return meta.repositoryExists(repo) ? Errors.manifestUnknown(repo, reference) : Errors.nameUnknown(repo);
    }
}
