package dev.wharf.testing.launcher;

import dev.wharf.testing.TestRegistryOptions;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the launcher keeps blobs when not in the data directory, as its flags give it:
 * <ul>
 *   <li>{@code --blobs s3://BUCKET/PREFIX}: in an S3 bucket (AWS S3 or any S3-compatible store), under PREFIX;</li>
 *   <li>{@code --s3-endpoint URL}: the S3-compatible endpoint (default: AWS S3 for the region);</li>
 *   <li>{@code --s3-region R}: the region to sign for (default: the AWS environment's, else us-east-1);</li>
 *   <li>{@code --s3-path-style}: path-style addressing ({@code URL/BUCKET/KEY}), as most S3-compatible stores
 *       need;</li>
 *   <li>{@code --s3-redirects D}: answer whole-blob {@code GET}s with a 307 to a presigned URL valid for D.</li>
 * </ul>
 * Credentials come from the standard AWS environment: {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}
 * (and {@code AWS_SESSION_TOKEN}), or {@code ~/.aws/credentials} and its profile variables. This record names no
 * S3 type: the S3 classes load only when {@code --blobs} is given ({@link S3Blobs}).
 *
 * @param location  the {@code --blobs} value
 * @param endpoint  {@code --s3-endpoint}
 * @param region    {@code --s3-region}
 * @param pathStyle {@code --s3-path-style}
 * @param redirects {@code --s3-redirects}
 */
record BlobFlags(Optional<String> location, Optional<URI> endpoint, Optional<String> region, boolean pathStyle,
                 Optional<Duration> redirects) {
    static final BlobFlags NONE = new BlobFlags(Optional.empty(), Optional.empty(), Optional.empty(), false,
            Optional.empty());

    BlobFlags {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(redirects, "redirects");
    }

    /** Whether blobs go to S3. */
    boolean inS3() {
        return location.isPresent();
    }

    /**
     * Checks the flags together and parses the location; touches no network.
     *
     * @throws IllegalArgumentException saying which flag is wrong or needs which
     */
    BlobFlags validated() {
        if (location.isEmpty()) {
            List<String> needing = new ArrayList<>();
            endpoint.ifPresent(e -> needing.add("--s3-endpoint"));
            region.ifPresent(r -> needing.add("--s3-region"));
            if (pathStyle) {
                needing.add("--s3-path-style");
            }
            redirects.ifPresent(r -> needing.add("--s3-redirects"));
            if (!needing.isEmpty()) {
                throw new IllegalArgumentException(String.join(", ", needing) + " need"
                        + (needing.size() == 1 ? "s" : "") + " --blobs s3://BUCKET/PREFIX");
            }
            return this;
        }
        if (!location.get().startsWith("s3://")) {
            throw new IllegalArgumentException("--blobs takes s3://BUCKET/PREFIX, was '" + location.get()
                    + "' (blobs in the data directory need no flag)");
        }
        S3Blobs.check(this);
        return this;
    }

    /** {@code options} with the S3 blob store set, when {@code --blobs} is given. */
    TestRegistryOptions applyTo(TestRegistryOptions options) {
        return inS3() ? options.withEngine(engine -> engine.blobStore(S3Blobs.open(this))) : options;
    }
}
