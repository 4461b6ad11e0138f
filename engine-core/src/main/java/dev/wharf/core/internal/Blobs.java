package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.BlobContent;
import dev.wharf.api.BlobInfo;
import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.PendingEvents;
import dev.wharf.spi.RepositoryLinks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;

/**
 * Reading and unlinking blobs (spec "Pulling blobs" end-2 and end-10 "Deleting blobs"). A repository sees a
 * blob only through its link; the bytes are the registry-wide {@link BlobStore}'s.
 */
public final class Blobs {
    private final BlobStore blobs;
    private final RepositoryLinks links;
    private final Access access;
    private final Events events;
    private final boolean deletesEnabled;
    private final BlobSizes sizes;

    public Blobs(BlobStore blobs, RepositoryLinks links, Access access, Events events, boolean deletesEnabled) {
        this.blobs = blobs;
        this.links = links;
        this.access = access;
        this.events = events;
        this.deletesEnabled = deletesEnabled;
        this.sizes = new BlobSizes(blobs);
    }

    /** end-2 HEAD: the blob's size if {@code repo} links it (the link checked every time, the size cached). */
    public Optional<BlobInfo> stat(Caller caller, RepositoryName repo, Digest digest) {
        access.require(caller, Action.PULL, repo);
        if (!links.isBlobLinked(repo, digest)) {
            return Optional.empty();
        }
        return sizes.stat(digest);
    }

    /** end-2 GET, whole or a range; RANGE_INVALID when the range starts past the end. */
    public BlobContent read(Caller caller, RepositoryName repo, Digest digest, Optional<ByteRange> range) {
        BlobInfo info = stat(caller, repo, digest).orElseThrow(() -> notFound(repo, digest));
        long first = 0;
        long length = info.size();
        if (range.isPresent()) {
            ByteRange r = range.get();
            if (r.first() >= info.size()) {
                throw Errors.rangeNotSatisfiable(r.first(), info.size());
            }
            first = r.first();
            length = Math.min(r.last(), info.size() - 1) - first + 1;
        }
        return new Content(repo, info, first, length, range.isEmpty());
    }

    /**
     * end-10: unlinks the blob from {@code repo}; its bytes stay while anything references them. UNSUPPORTED
     * when deletes are disabled or the blob store keeps every blob (it has no {@link BlobStore#deletion()}).
     */
    public void delete(Caller caller, RepositoryName repo, Digest digest) {
        access.require(caller, Action.DELETE, repo);
        if (!deletesEnabled) {
            throw Errors.deletesDisabled();
        }
        if (blobs.deletion().isEmpty()) {
            throw Errors.blobDeletesUnsupported();
        }
        Optional<BlobInfo> info = blobs.stat(digest);
        PendingEvents pending = info.map(blob -> events.blobPending(RegistryEvent.Type.BLOB_DELETED, caller, repo, blob))
                .orElse(PendingEvents.none());
        if (!links.unlinkBlob(repo, digest, pending)) {
            throw notFound(repo, digest);
        }
        events.deliver(pending);
    }

    private RuntimeException notFound(RepositoryName repo, Digest digest) {
        return links.repositoryExists(repo) ? Errors.blobUnknown(repo, digest) : Errors.nameUnknown(repo);
    }

    /** A lazily opened read of a blob range. */
    private final class Content implements BlobContent {
        private final RepositoryName repo;
        private final BlobInfo info;
        private final long offset;
        private final long length;
        private final boolean whole;
        private InputStream stream;

        Content(RepositoryName repo, BlobInfo info, long offset, long length, boolean whole) {
            this.repo = repo;
            this.info = info;
            this.offset = offset;
            this.length = length;
            this.whole = whole;
        }

        /** The blob store's redirect for a read of the whole blob; ranges are always served here. */
        @Override
        public Optional<URI> redirect() {
            if (!whole) {
                return Optional.empty();
            }
            return blobs.redirects().flatMap(r -> r.readRedirect(info.digest()));
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

        /** The bytes; BLOB_UNKNOWN if garbage collection removed them since the read was opened. */
        @Override
        public synchronized InputStream stream() {
            if (stream != null) {
                throw new IllegalStateException("blob content already read");
            }
            stream = blobs.open(info.digest(), offset, length).orElseThrow(() -> Errors.blobUnknown(repo, info.digest()));
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
