package dev.wharf.core;

import dev.wharf.api.Action;
import dev.wharf.api.BlobContent;
import dev.wharf.api.BlobInfo;
import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.Page;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.api.UploadStart;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.StagedBlob;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * Blob reads, deletes, mounts and single-request pushes (end-2, end-4b, end-10, end-11).
 *
 * <p>One content-addressed copy of each blob serves the whole registry; a repository sees a blob only
 * through its link. Mounting never reveals a blob that lives only in repositories the caller cannot pull:
 * in that case the answer is an upload session, exactly as for a blob that does not exist.
 */
final class Blobs {
    /** How many linking repositories a mount without {@code from} examines per page. */
    private static final int MOUNT_SCAN_PAGE = 256;

    private final BlobStore blobs;
    private final MetadataStore meta;
    private final Access access;
    private final Events events;
    private final Uploads uploads;
    private final boolean deletesEnabled;
    private final StripedLocks blobLocks;

    Blobs(BlobStore blobs, MetadataStore meta, Access access, Events events, Uploads uploads, boolean deletesEnabled,
          StripedLocks blobLocks) {
        this.blobLocks = blobLocks;
        this.blobs = blobs;
        this.meta = meta;
        this.access = access;
        this.events = events;
        this.uploads = uploads;
        this.deletesEnabled = deletesEnabled;
    }

    Optional<BlobInfo> stat(Caller caller, RepositoryName repo, Digest digest) {
        access.require(caller, Action.PULL, repo);
        if (!meta.isBlobLinked(repo, digest)) {
            return Optional.empty();
        }
        return Uploads.io(() -> blobs.stat(digest));
    }

    BlobContent read(Caller caller, RepositoryName repo, Digest digest, Optional<ByteRange> range) {
        BlobInfo info = stat(caller, repo, digest).orElseThrow(() -> notFound(repo, digest));
        long first = 0;
        long length = info.size();
        if (range.isPresent()) {
            ByteRange r = range.get();
            if (r.first() >= info.size()) {
                throw new RegistryException(ErrorCode.RANGE_INVALID, "range starts at byte " + r.first()
                        + " but the blob has " + info.size() + " bytes", Map.of("size", info.size()));
            }
            first = r.first();
            length = Math.min(r.last(), info.size() - 1) - first + 1;
        }
        return new Content(info, first, length);
    }

    void delete(Caller caller, RepositoryName repo, Digest digest) {
        access.require(caller, Action.DELETE, repo);
        if (!deletesEnabled) {
            throw DefaultRegistry.deletesDisabled();
        }
        if (!meta.unlinkBlob(repo, digest)) {
            throw notFound(repo, digest);
        }
        events.publish(RegistryEvent.Type.BLOB_DELETED, repo, Optional.of(digest), Optional.empty(), caller);
    }

    UploadStart mount(Caller caller, RepositoryName repo, Digest digest, Optional<RepositoryName> from) {
        access.require(caller, Action.PUSH, repo);
        if (meta.isBlobLinked(repo, digest)) {
            return UploadStart.linked(Uploads.io(() -> blobs.stat(digest)).orElseThrow(() -> notFound(repo, digest)));
        }
        Optional<RepositoryName> source = from.filter(f -> readableLink(caller, f, digest));
        if (source.isEmpty()) {
            source = findReadableLink(caller, digest);
        }
        if (source.isPresent()) {
            RepositoryName from0 = source.get();
            // Under the digest lock the source link cannot vanish into garbage collection before ours exists.
            Optional<BlobInfo> info = blobLocks.with(digest, () -> {
                Optional<BlobInfo> stat = Uploads.io(() -> blobs.stat(digest));
                if (stat.isPresent() && meta.isBlobLinked(from0, digest)) {
                    meta.linkBlob(repo, digest);
                    return stat;
                }
                return Optional.<BlobInfo>empty();
            });
            if (info.isPresent()) {
                events.publish(RegistryEvent.Type.BLOB_MOUNTED, repo, Optional.of(digest), Optional.empty(), caller);
                return UploadStart.linked(info.get());
            }
        }
        return UploadStart.session(uploads.open(repo, digest.algorithm()));
    }

    UploadStart push(Caller caller, RepositoryName repo, Digest digest, UploadChunk body) {
        access.require(caller, Action.PUSH, repo);
        StagedBlob staged = Uploads.io(blobs::stage);
        try {
            MessageDigest hasher = digest.algorithm().newMessageDigest();
            long n = Uploads.receive(staged, body.body(), hasher, body.contentLength(), false);
            Digest actual = Digest.of(digest.algorithm(), hasher.digest());
            if (n == 0 && !actual.equals(digest)) {
                // POST ?digest=D with no body: a request to link existing content (mount without from).
                staged.discard();
                return mount(caller, repo, digest, Optional.empty());
            }
            if (!actual.equals(digest)) {
                throw new RegistryException(ErrorCode.DIGEST_INVALID, "uploaded content has digest " + actual
                        + ", not " + digest + "; nothing was stored",
                        Map.of("expected", digest.toString(), "actual", actual.toString()));
            }
            BlobInfo info = Uploads.publish(blobLocks, meta, staged, repo, digest);
            events.publish(RegistryEvent.Type.BLOB_UPLOADED, repo, Optional.of(digest), Optional.empty(), caller);
            return UploadStart.linked(info);
        } catch (IOException | RuntimeException e) {
            Uploads.discardQuietly(staged, e);
            throw e instanceof IOException io ? new java.io.UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private boolean readableLink(Caller caller, RepositoryName source, Digest digest) {
        return access.permits(caller, Action.PULL, source) && meta.isBlobLinked(source, digest);
    }

    /** The first repository (in name order) the caller may pull that links {@code digest}. */
    private Optional<RepositoryName> findReadableLink(Caller caller, Digest digest) {
        Optional<RepositoryName> after = Optional.empty();
        while (true) {
            Page<RepositoryName> page = meta.repositoriesLinking(digest, after, MOUNT_SCAN_PAGE);
            for (RepositoryName candidate : page.items()) {
                if (access.permits(caller, Action.PULL, candidate)) {
                    return Optional.of(candidate);
                }
            }
            if (!page.hasMore()) {
                return Optional.empty();
            }
            after = Optional.of(page.last());
        }
    }

    private RegistryException notFound(RepositoryName repo, Digest digest) {
        if (!meta.repositoryExists(repo)) {
            return DefaultRegistry.nameUnknown(repo);
        }
        return new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not in repository '" + repo + "'",
                Map.of("digest", digest.toString()));
    }

    /** A lazily opened read of a blob range. */
    private final class Content implements BlobContent {
        private final BlobInfo info;
        private final long offset;
        private final long length;
        private InputStream stream;

        Content(BlobInfo info, long offset, long length) {
            this.info = info;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public BlobInfo blob() {
            return info;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public synchronized InputStream stream() throws IOException {
            if (stream != null) {
                throw new IllegalStateException("blob content already read");
            }
            stream = blobs.open(info.digest(), offset, length);
            return stream;
        }

        @Override
        public synchronized void close() throws IOException {
            if (stream != null) {
                stream.close();
            }
        }
    }
}
