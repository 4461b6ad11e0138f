package dev.wharf.spi;

import dev.wharf.api.Digest;
import dev.wharf.api.Reference;
import dev.wharf.api.Tag;

import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a pull-through mirror reaches one upstream registry ({@link dev.wharf.api.Upstream}). The engine's HTTP
 * client implements it (answering the upstream's Basic and token-flow challenges); a vendor may plug in another
 * transport with {@link dev.wharf.api.Upstream#withClient(UpstreamClient)}.
 *
 * <p>Contract: names are the upstream's repository names. "Not there" is an empty result; every other failure
 * (unreachable, timed out, refused, rate-limited, a server error) is an {@link UpstreamException} carrying the
 * upstream's status. Nothing returned is trusted: the engine verifies every digest before it stores or finishes
 * serving anything. Implementations are thread-safe and never wait longer than their configured timeouts.
 */
public interface UpstreamClient extends AutoCloseable {

    /** A manifest by tag or digest: its bytes, the media type the upstream served, and the digest it claimed. */
    Optional<FetchedManifest> manifest(String repository, Reference reference);

    /** The digest the upstream's tag points to now (a {@code HEAD}), or empty if the tag does not exist there. */
    Optional<Digest> tagDigest(String repository, Tag tag);

    /**
     * Opens a blob's bytes. The caller reads and closes {@link FetchedBlob#body()}; a failure while reading it
     * is an {@link java.io.IOException} from the stream.
     */
    Optional<FetchedBlob> blob(String repository, Digest digest);

    /** A blob's size as the upstream states it (a {@code HEAD}), or empty if the upstream does not have it. */
    OptionalLong blobSize(String repository, Digest digest);

    /**
     * The upstream's referrers index for {@code subject} (the referrers API's answer, an image index), or empty
     * when the upstream has no referrers API or does not know the repository.
     */
    default Optional<FetchedManifest> referrers(String repository, Digest subject) {
        return Optional.empty();
    }

    /** Releases connections. */
    @Override
    default void close() {
    }

    /**
     * A manifest as an upstream served it.
     *
     * @param mediaType    the {@code Content-Type} it was served with; empty if none
     * @param bytes        the body, exactly as received
     * @param statedDigest the {@code Docker-Content-Digest} the upstream sent, if any (still to be verified)
     */
    record FetchedManifest(String mediaType, byte[] bytes, Optional<Digest> statedDigest) {
        public FetchedManifest {
            java.util.Objects.requireNonNull(mediaType, "mediaType");
            java.util.Objects.requireNonNull(bytes, "bytes");
            java.util.Objects.requireNonNull(statedDigest, "statedDigest");
        }
    }

    /**
     * A blob body being received from an upstream.
     *
     * @param size the length the upstream announced, or -1 when it did not say
     * @param body the bytes; the caller closes it
     */
    record FetchedBlob(long size, InputStream body) implements AutoCloseable {
        public FetchedBlob {
            java.util.Objects.requireNonNull(body, "body");
        }

        @Override
        public void close() throws java.io.IOException {
            body.close();
        }
    }
}
