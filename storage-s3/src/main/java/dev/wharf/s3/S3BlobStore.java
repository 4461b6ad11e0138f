package dev.wharf.s3;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.spi.BlobDeletion;
import dev.wharf.spi.BlobRedirects;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StorageException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A {@link BlobStore} on the S3 API, for registries whose blobs live in object storage: AWS S3, or any
 * S3-compatible store (MinIO, Ceph RGW, s3proxy) through {@link Options#endpoint} and {@link Options#pathStyle}.
 * Several Wharf nodes may share one location: blobs are keyed by digest, so two nodes publishing the same
 * digest end with one object, and a staged write started on one node continues on any other.
 *
 * <p>Layout under the location's prefix:
 * <pre>
 *   blobs/&lt;algorithm&gt;/&lt;hex&gt;          published blobs, written whole (PUT, copy or completed multipart upload)
 *   uploads/&lt;id&gt;/&lt;19-digit offset&gt;  the durable pieces of a staged write, in order
 * </pre>
 *
 * <p>Staged writes are pieces rather than one open S3 multipart upload because the engine reads staged bytes
 * back (to re-hash a resumed upload) and cuts them back after a failed chunk, and S3 can do neither with the
 * parts of an unfinished multipart upload. Every piece but the last is at least S3's minimum part size
 * ({@value #S3_MINIMUM_PART} bytes): a durable append smaller than that is merged into the last piece, which is
 * rewritten whole (an atomic overwrite). Commit composes the pieces server-side: one copy for one piece, a
 * multipart upload of part copies for more, so the blob appears whole or not at all. A small blob pushed in one
 * request never becomes a piece: it is one {@code PUT} of its key. Pieces of abandoned uploads are removed when
 * the engine expires their sessions; a bucket lifecycle rule on {@code uploads/} is a sensible backstop.
 *
 * <p>With {@link Options#redirects(Duration)}, {@link #redirects()} hands out presigned {@code GET} URLs, and the
 * HTTP layer answers whole-blob {@code GET}s with a redirect to them; ranged reads and {@code HEAD} are always
 * served by Wharf. Durability is S3's: a write is durable when S3 acknowledges it.
 */
public final class S3BlobStore implements BlobStore, BlobDeletion, BlobRedirects {
    /** S3's smallest multipart part, except the last: 5 MiB. Announced as the minimum chunk size. */
    public static final long S3_MINIMUM_PART = 5L * 1024 * 1024;
    /** S3's largest number of parts in one multipart upload. */
    static final int S3_MAXIMUM_PARTS = 10_000;
    private static final Pattern STAGED_ID = Pattern.compile("[0-9a-f]{32}");
    private static final String BLOBS = "blobs/";
    private static final String UPLOADS = "uploads/";

    private final S3Client s3;
    private final S3Presigner presigner;
    private final S3Location location;
    private final Options options;
    private final boolean ownsClients;
    private volatile boolean closed;

    private S3BlobStore(S3Client s3, S3Presigner presigner, S3Location location, Options options, boolean ownsClients) {
        this.s3 = s3;
        this.presigner = presigner;
        this.location = location;
        this.options = options;
        this.ownsClients = ownsClients;
    }

    /**
     * Opens the store at {@code location} with clients built from {@code options}, checking that the bucket exists
     * and the credentials can read it.
     *
     * @throws StorageException if the bucket cannot be reached, naming the bucket and endpoint
     */
    public static S3BlobStore open(S3Location location, Options options) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(options, "options");
        S3Client client = options.buildClient();
        S3Presigner presigner = null;
        try {
            presigner = options.redirectLifetime().isPresent() ? options.buildPresigner() : null;
            S3BlobStore store = new S3BlobStore(client, presigner, location, options, true);
            store.checkBucket();
            return store;
        } catch (RuntimeException e) {
            client.close();
            if (presigner != null) {
                presigner.close();
            }
            throw e;
        }
    }

    /**
     * A store over clients the caller built and keeps ownership of ({@link #close()} leaves them open); the
     * {@code presigner} is needed only with {@link Options#redirects(Duration)}. Nothing is checked here.
     */
    public static S3BlobStore over(S3Client client, S3Presigner presigner, S3Location location, Options options) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(options, "options");
        if (options.redirectLifetime().isPresent() && presigner == null) {
            throw new IllegalArgumentException("redirects need a presigner");
        }
        return new S3BlobStore(client, options.redirectLifetime().isPresent() ? presigner : null, location, options,
                false);
    }

    /** Where this store keeps its objects. */
    public S3Location location() {
        return location;
    }

    private void checkBucket() {
        try {
            s3.headBucket(b -> b.bucket(location.bucket()));
        } catch (SdkException e) {
            throw new StorageException("cannot use bucket '" + location.bucket() + "' at "
                    + options.endpoint().map(URI::toString).orElse("AWS S3") + ": " + describe(e), e);
        }
    }

    @Override
    public Optional<BlobInfo> stat(Digest digest) {
        return head(blobKey(digest)).map(h -> new BlobInfo(digest, h.contentLength()));
    }

    @Override
    public Optional<InputStream> open(Digest digest, long offset, long length) {
        if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("no range " + offset + "+" + length);
        }
        String key = blobKey(digest);
        if (length == 0) {
            Optional<HeadObjectResponse> head = head(key);
            if (head.isEmpty()) {
                return Optional.empty();
            }
            checkRange(digest, offset, length, head.get().contentLength());
            return Optional.of(InputStream.nullInputStream());
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(b -> b.bucket(location.bucket()).key(key).range(range));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            if (e.statusCode() == 416) {
                long size = stat(digest).map(BlobInfo::size).orElse(-1L);
                if (size < 0) {
                    return Optional.empty();
                }
                checkRange(digest, offset, length, size);
            }
            throw failure("read " + digest, e);
        } catch (SdkException e) {
            throw failure("read " + digest, e);
        }
        long size = totalSize(in.response());
        if (size >= 0 && offset + length > size) {
            in.abort();
            checkRange(digest, offset, length, size);
        }
        return Optional.of(new ObjectStream(in, length));
    }

    private static void checkRange(Digest digest, long offset, long length, long size) {
        if (offset + length > size) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " lies outside " + digest
                    + " of " + size + " bytes");
        }
    }

    /** The whole object's size from a ranged response's {@code Content-Range: bytes a-b/total}, or -1. */
    private static long totalSize(GetObjectResponse response) {
        String range = response.contentRange();
        if (range == null) {
            return response.contentLength() == null ? -1 : response.contentLength();
        }
        int slash = range.lastIndexOf('/');
        try {
            return slash < 0 ? -1 : Long.parseLong(range.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public StagedBlob stage() {
        checkOpen();
        return new S3StagedBlob(this, UUID.randomUUID().toString().replace("-", ""), false);
    }

    @Override
    public Optional<StagedBlob> resume(String stagedId) {
        checkOpen();
        if (stagedId == null || !STAGED_ID.matcher(stagedId).matches()) {
            return Optional.empty();
        }
        S3StagedBlob staged = new S3StagedBlob(this, stagedId, true);
        return staged.exists() ? Optional.of(staged) : Optional.empty();
    }

    /** S3's minimum part size: chunks of at least this size are stored without rewriting earlier bytes. */
    @Override
    public OptionalLong minimumChunkSize() {
        return OptionalLong.of(S3_MINIMUM_PART);
    }

    @Override
    public Optional<BlobDeletion> deletion() {
        return Optional.of(this);
    }

    @Override
    public Optional<BlobRedirects> redirects() {
        return presigner == null ? Optional.empty() : Optional.of(this);
    }

    @Override
    public boolean delete(Digest digest) {
        String key = blobKey(digest);
        if (head(key).isEmpty()) {
            return false;
        }
        call("delete " + digest, () -> s3.deleteObject(b -> b.bucket(location.bucket()).key(key)));
        return true;
    }

    @Override
    public void forEach(Consumer<BlobInfo> visitor) {
        listObjects(location.key(BLOBS), object -> {
            Optional<Digest> digest = digestOf(object.key().substring(location.key(BLOBS).length()));
            digest.ifPresent(d -> visitor.accept(new BlobInfo(d, object.size())));
        });
    }

    /** A digest from {@code <algorithm>/<hex>}; empty for keys Wharf did not write. */
    private static Optional<Digest> digestOf(String name) {
        int slash = name.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Digest.parse(name.substring(0, slash) + ":" + name.substring(slash + 1)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<URI> readRedirect(Digest digest) {
        if (presigner == null) {
            return Optional.empty();
        }
        String key = blobKey(digest);
        Duration lifetime = options.redirectLifetime().orElseThrow();
        try {
            return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(lifetime)
                    .getObjectRequest(g -> g.bucket(location.bucket()).key(key))).url().toURI());
        } catch (SdkException | java.net.URISyntaxException e) {
            return Optional.empty(); // serve it through Wharf rather than fail the pull
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsClients) {
            s3.close();
            if (presigner != null) {
                presigner.close();
            }
        }
    }

    // --- shared with S3StagedBlob ---------------------------------------------------------------------------

    S3Client client() {
        return s3;
    }

    String bucket() {
        return location.bucket();
    }

    int partSize() {
        return options.partSize();
    }

    String blobKey(Digest digest) {
        return location.key(BLOBS + digest.algorithm().id() + "/" + digest.encoded());
    }

    /** The prefix of a staged write's pieces. */
    String uploadPrefix(String id) {
        return location.key(UPLOADS + id + "/");
    }

    void checkOpen() {
        if (closed) {
            throw new StorageException("the S3 blob store at " + location + " is closed");
        }
    }

    Optional<HeadObjectResponse> head(String key) {
        checkOpen();
        try {
            return Optional.of(s3.headObject(b -> b.bucket(location.bucket()).key(key)));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("look up " + key, e);
        } catch (SdkException e) {
            throw failure("look up " + key, e);
        }
    }

    /** Every object under {@code prefix}, in key order. */
    void listObjects(String prefix, Consumer<S3Object> visitor) {
        checkOpen();
        call("list " + prefix, () -> {
            s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(prefix)).contents().forEach(visitor);
            return null;
        });
    }

    <T> T call(String what, Supplier<T> action) {
        checkOpen();
        try {
            return action.get();
        } catch (SdkException e) {
            throw failure(what, e);
        }
    }

    StorageException failure(String what, SdkException e) {
        return new StorageException("S3 could not " + what + " in " + location + ": " + describe(e), e);
    }

    private static String describe(SdkException e) {
        if (e instanceof S3Exception s3e && s3e.awsErrorDetails() != null) {
            return s3e.statusCode() + " " + s3e.awsErrorDetails().errorCode() + " "
                    + Objects.toString(s3e.awsErrorDetails().errorMessage(), "");
        }
        return e.getMessage();
    }

    /**
     * An object's bytes. Closing it before the end aborts the connection instead of draining the rest (a pull
     * the client gave up on must not read the remaining gigabyte from S3).
     */
    static final class ObjectStream extends InputStream {
        private final ResponseInputStream<?> in;
        private long remaining;

        ObjectStream(ResponseInputStream<?> in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            if (remaining > 0) {
                in.abort();
            }
            in.close();
        }
    }

    /**
     * How to reach the object store: endpoint, region, addressing, credentials, and the store's own settings.
     * Immutable; each setter returns a changed copy. {@link #defaults()} suits AWS S3 with the credentials and
     * region of the standard AWS environment ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
     * {@code AWS_REGION}, {@code ~/.aws/credentials} and the rest of the SDK's default chains).
     */
    public static final class Options {
        private static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;

        private final URI endpoint;
        private final String region;
        private final boolean pathStyle;
        private final AwsCredentialsProvider credentials;
        private final int partSize;
        private final Duration redirectLifetime;
        private final int maxConnections;

        private Options(URI endpoint, String region, boolean pathStyle, AwsCredentialsProvider credentials,
                        int partSize, Duration redirectLifetime, int maxConnections) {
            this.endpoint = endpoint;
            this.region = region;
            this.pathStyle = pathStyle;
            this.credentials = credentials;
            this.partSize = partSize;
            this.redirectLifetime = redirectLifetime;
            this.maxConnections = maxConnections;
        }

        /** AWS S3, default credentials and region, 8 MiB parts, no redirects, 64 connections. */
        public static Options defaults() {
            return new Options(null, null, false, null, DEFAULT_PART_SIZE, null, 64);
        }

        /** The S3-compatible endpoint to use instead of AWS's ({@code http://minio:9000}, say). */
        public Options endpoint(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (!endpoint.isAbsolute() || !endpoint.getScheme().matches("https?") || endpoint.getHost() == null) {
                throw new IllegalArgumentException("'" + endpoint + "' is not an http or https endpoint URL");
            }
            return new Options(endpoint, region, pathStyle, credentials, partSize, redirectLifetime, maxConnections);
        }

        /** The region to sign for; without one, the SDK's region chain, or {@code us-east-1} if it finds none. */
        public Options region(String region) {
            if (Objects.requireNonNull(region, "region").isBlank()) {
                throw new IllegalArgumentException("the region is blank");
            }
            return new Options(endpoint, region, pathStyle, credentials, partSize, redirectLifetime, maxConnections);
        }

        /** Path-style addressing ({@code endpoint/bucket/key}), which most S3-compatible stores need. */
        public Options pathStyle(boolean pathStyle) {
            return new Options(endpoint, region, pathStyle, credentials, partSize, redirectLifetime, maxConnections);
        }

        /** Credentials to use instead of the SDK's default chain. */
        public Options credentials(AwsCredentialsProvider credentials) {
            return new Options(endpoint, region, pathStyle, Objects.requireNonNull(credentials, "credentials"),
                    partSize, redirectLifetime, maxConnections);
        }

        /**
         * The size of the pieces a large upload is written in, at least {@link S3BlobStore#S3_MINIMUM_PART}; also
         * what one upload buffers in memory at most while it writes. Larger parts mean fewer requests and a
         * larger largest blob (10,000 parts); the default is 8 MiB.
         */
        public Options partSize(int bytes) {
            if (bytes < S3_MINIMUM_PART) {
                throw new IllegalArgumentException("a part of " + bytes + " bytes is below S3's minimum of "
                        + S3_MINIMUM_PART);
            }
            return new Options(endpoint, region, pathStyle, credentials, bytes, redirectLifetime, maxConnections);
        }

        /** Redirect whole-blob {@code GET}s to presigned URLs valid for {@code lifetime} (off by default). */
        public Options redirects(Duration lifetime) {
            if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("a presigned URL lives more than 0 and at most 7 days, not "
                        + lifetime);
            }
            return new Options(endpoint, region, pathStyle, credentials, partSize, lifetime, maxConnections);
        }

        /** The most connections open to the object store at once (each open blob read holds one). */
        public Options maxConnections(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("at least one connection, not " + connections);
            }
            return new Options(endpoint, region, pathStyle, credentials, partSize, redirectLifetime, connections);
        }

        /** The endpoint override, if any. */
        public Optional<URI> endpoint() {
            return Optional.ofNullable(endpoint);
        }

        /** Whether path-style addressing is on. */
        public boolean pathStyle() {
            return pathStyle;
        }

        /** The piece size of staged writes. */
        public int partSize() {
            return partSize;
        }

        /** How long a redirect stays valid; empty when redirects are off. */
        public Optional<Duration> redirectLifetime() {
            return Optional.ofNullable(redirectLifetime);
        }

        private Region resolvedRegion() {
            if (region != null) {
                return Region.of(region);
            }
            try {
                return DefaultAwsRegionProviderChain.builder().build().getRegion();
            } catch (SdkException e) {
                return Region.US_EAST_1;
            }
        }

        private AwsCredentialsProvider resolvedCredentials() {
            return credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
        }

        S3Client buildClient() {
            var builder = S3Client.builder()
                    .region(resolvedRegion())
                    .credentialsProvider(resolvedCredentials())
                    .forcePathStyle(pathStyle)
                    // S3-compatible stores differ in which of the newer checksum schemes they accept; Wharf
                    // verifies every digest itself, so only the checksums an operation requires are sent.
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .httpClientBuilder(Apache5HttpClient.builder().maxConnections(maxConnections));
            if (endpoint != null) {
                builder.endpointOverride(endpoint);
            }
            return builder.build();
        }

        S3Presigner buildPresigner() {
            var builder = S3Presigner.builder()
                    .region(resolvedRegion())
                    .credentialsProvider(resolvedCredentials())
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
            if (endpoint != null) {
                builder.endpointOverride(endpoint);
            }
            return builder.build();
        }
    }
}
