package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.BlobInfo;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.api.UploadSink;
import dev.wharf.api.UploadStart;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.RepositoryLinks;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;

import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Blobs arriving without an upload session (spec "Pushing blobs": end-4b single-request push, end-11 mount):
 * a monolithic {@code POST ?digest=} and linking content that is already stored.
 *
 * <p>Global de-duplication: one copy of each blob serves the whole registry; a repository sees a blob only
 * through its link. Mounting never reveals a blob that lives only in repositories the caller cannot pull: in
 * that case the answer is an upload session, exactly as for a blob that does not exist.
 */
public final class BlobIngest {
    private final BlobStore blobs;
    private final RepositoryLinks links;
    private final BlobPublisher publisher;
    private final UploadSessions uploads;
    private final Access access;
    private final Events events;
    private final Quotas quotas;

    public BlobIngest(BlobStore blobs, RepositoryLinks links, BlobPublisher publisher, UploadSessions uploads,
                      Access access, Events events, Quotas quotas) {
        this.quotas = quotas;
        this.blobs = blobs;
        this.links = links;
        this.publisher = publisher;
        this.uploads = uploads;
        this.access = access;
        this.events = events;
    }

    /** end-11: links {@code digest} from {@code from}, else from any readable repository, else opens a session. */
    public UploadStart mount(Caller caller, RepositoryName repo, Digest digest, Optional<RepositoryName> from) {
        access.require(caller, Action.PUSH, repo);
        if (links.isBlobLinked(repo, digest)) {
            return UploadStart.linked(blobs.stat(digest).orElseThrow(() -> Errors.blobUnknown(repo, digest)));
        }
        Optional<RepositoryName> source = from.filter(f -> readableLink(caller, f, digest));
        if (source.isEmpty()) {
            source = findReadableLink(caller, digest);
        }
        if (source.isPresent()) {
            Optional<BlobInfo> info = publisher.linkFrom(source.get(), repo, digest,
                    new BlobPublisher.Report(RegistryEvent.Type.BLOB_MOUNTED, caller));
            if (info.isPresent()) {
                return UploadStart.linked(info.get());
            }
        }
        return UploadStart.session(uploads.open(repo, digest.algorithm()));
    }

    /** end-4b: single-request push; an empty body with a digest that does not match it asks for a mount. */
    public UploadStart push(Caller caller, RepositoryName repo, Digest digest, UploadChunk body) {
        access.require(caller, Action.PUSH, repo);
        quotas.checkLink(caller, repo, digest, body.contentLength().orElse(0));
        StagedBlob staged = blobs.stage();
        try {
            MessageDigest hasher = digest.algorithm().newMessageDigest();
            long n = BlobPublisher.receive(staged, body.body(), hasher, body.contentLength(), false);
            return published(caller, repo, digest, staged, n, Digest.of(digest.algorithm(), hasher.digest()));
        } catch (RuntimeException e) {
            BlobPublisher.discardQuietly(staged, e);
            throw e;
        }
    }

    /** {@link #push} for a body pushed piece by piece; the digest is checked when the sink finishes. */
    public UploadSink<UploadStart> openPush(Caller caller, RepositoryName repo, Digest digest, OptionalLong length) {
        access.require(caller, Action.PUSH, repo);
        quotas.checkLink(caller, repo, digest, length.orElse(0));
        StagedBlob staged = blobs.stage();
        MessageDigest hasher = digest.algorithm().newMessageDigest();
        StagedWriter writer;
        try {
            writer = staged.writer();
        } catch (RuntimeException e) {
            BlobPublisher.discardQuietly(staged, e);
            throw e;
        }
        return new StagingSink<>(writer, hasher, length, false) {
            @Override
            protected UploadStart complete(long count) {
                try {
                    return published(caller, repo, digest, staged, count, Digest.of(digest.algorithm(), hasher.digest()));
                } catch (RuntimeException e) {
                    BlobPublisher.discardQuietly(staged, e);
                    throw e;
                }
            }

            @Override
            protected void rollback(Throwable primary) {
                BlobPublisher.discardQuietly(staged, primary);
            }
        };
    }

    /** A single-request body has been staged: publish it, or treat an empty one as a mount. */
    private UploadStart published(Caller caller, RepositoryName repo, Digest digest, StagedBlob staged, long count,
                                  Digest actual) {
        if (count == 0 && !actual.equals(digest)) {
            // POST ?digest=D with no body: a request to link existing content (mount without from).
            staged.discard();
            return mount(caller, repo, digest, Optional.empty());
        }
        if (!actual.equals(digest)) {
            throw Errors.blobDigestMismatch(digest, actual, false);
        }
        quotas.checkLink(caller, repo, digest, count);
        BlobInfo info = publisher.publish(staged, repo, digest,
                new BlobPublisher.Report(RegistryEvent.Type.BLOB_UPLOADED, caller));
        return UploadStart.linked(info);
    }

    private boolean readableLink(Caller caller, RepositoryName source, Digest digest) {
        return access.mayDrawFrom(caller, source) && links.isBlobLinked(source, digest);
    }

    /** The first repository (in name order) the caller may pull that links {@code digest}. */
    private Optional<RepositoryName> findReadableLink(Caller caller, Digest digest) {
        return access.readableLinker(links, caller, digest, repo -> true);
    }
}
