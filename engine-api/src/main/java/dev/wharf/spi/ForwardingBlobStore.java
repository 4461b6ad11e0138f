package dev.wharf.spi;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;

import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link BlobStore} that forwards every call, optional roles included, to another: the base of a decorator
 * that changes one thing (counts reads, injects faults, hides a role, declares a minimum chunk size) and
 * passes the rest through. Subclasses override what they change.
 */
public abstract class ForwardingBlobStore implements BlobStore {
    private final BlobStore delegate;

    /** A store forwarding to {@code delegate}, which it closes when closed. */
    protected ForwardingBlobStore(BlobStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store calls are forwarded to. */
    protected BlobStore delegate() {
        return delegate;
    }

    @Override
    public Optional<BlobInfo> stat(Digest digest) {
        return delegate.stat(digest);
    }

    @Override
    public Optional<InputStream> open(Digest digest, long offset, long length) {
        return delegate.open(digest, offset, length);
    }

    @Override
    public StagedBlob stage() {
        return delegate.stage();
    }

    @Override
    public Optional<StagedBlob> resume(String stagedId) {
        return delegate.resume(stagedId);
    }

    @Override
    public OptionalLong minimumChunkSize() {
        return delegate.minimumChunkSize();
    }

    @Override
    public Optional<BlobDeletion> deletion() {
        return delegate.deletion();
    }

    @Override
    public Optional<BlobRedirects> redirects() {
        return delegate.redirects();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
