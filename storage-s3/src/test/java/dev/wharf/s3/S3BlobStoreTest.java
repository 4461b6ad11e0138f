package dev.wharf.s3;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;
import dev.wharf.spi.StorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link S3BlobStore} promises beyond the contract kit, on a real S3 server: uploads of many parts, small
 * chunks merged below S3's minimum part, a write continued by another store instance (another node), no pieces
 * left after a commit, presigned redirects that serve the bytes, and clear failures.
 */
class S3BlobStoreTest {
    private static final int MIB = 1024 * 1024;
    private static final String BUCKET = "wharf-store";
    private static final AtomicInteger CASES = new AtomicInteger();

    private static S3ProxyServer server;
    private S3Location location;
    private S3BlobStore store;
    private S3Client inspector;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.shared();
        server.createBucket(BUCKET);
    }

    @BeforeEach
    void open() {
        location = new S3Location(BUCKET, "store-" + CASES.incrementAndGet());
        store = S3BlobStore.open(location, server.options());
        inspector = server.options().buildClient();
    }

    @AfterEach
    void close() {
        store.close();
        inspector.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static Digest sha256(byte[] data) {
        return DigestAlgorithm.SHA256.digest(data);
    }

    private static byte[] read(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }

    /** Every key under the store's prefix. */
    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        inspector.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(location.prefix())).contents()
                .forEach(o -> keys.add(o.key().substring(location.prefix().length())));
        return keys;
    }

    @Test
    void shouldPublishAManyPartUploadWhole() throws Exception {
        byte[] data = random(19 * MIB + 123, 1);
        StagedBlob staged = store.stage();
        StagedWriter writer = staged.writer();
        for (int i = 0; i < data.length; i += 65_536) {
            writer.write(ByteBuffer.wrap(data, i, Math.min(65_536, data.length - i)));
        }
        writer.finish(false);
        assertThat(keys()).as("full 8 MiB parts are written as they fill").hasSize(2)
                .allMatch(k -> k.startsWith("uploads/" + staged.id() + "/"));
        BlobInfo info = staged.commit(sha256(data));
        assertThat(info).isEqualTo(new BlobInfo(sha256(data), data.length));
        assertThat(read(store.open(info.digest(), 0, data.length).orElseThrow())).isEqualTo(data);
        assertThat(read(store.open(info.digest(), 8 * MIB - 5, 10).orElseThrow()))
                .isEqualTo(Arrays.copyOfRange(data, 8 * MIB - 5, 8 * MIB + 5));
        assertThat(keys()).as("only the blob remains").containsExactly("blobs/sha256/" + info.digest().encoded());
    }

    @Test
    void shouldMergeSmallDurableChunksAndCutBackAcrossPieces() throws Exception {
        byte[] data = random(12 * MIB, 2);
        StagedBlob staged = store.stage();
        int[] cuts = {1000, 3 * MIB, 5 * MIB + 17, 9 * MIB, 12 * MIB};
        int from = 0;
        for (int cut : cuts) {
            staged.append(new ByteArrayInputStream(data, from, cut - from));
            from = cut;
        }
        assertThat(staged.size()).isEqualTo(data.length);
        assertThat(read(staged.read())).isEqualTo(data);
        // Pieces: every one but the last at least S3's minimum part.
        List<String> pieces = keys();
        assertThat(pieces).hasSizeGreaterThan(1);
        staged.truncate(5 * MIB + 100); // into the middle of a piece, dropping the later ones
        assertThat(read(staged.read())).isEqualTo(Arrays.copyOf(data, 5 * MIB + 100));
        staged.append(new ByteArrayInputStream(data, 5 * MIB + 100, data.length - (5 * MIB + 100)), false);
        BlobInfo info = staged.commit(sha256(data));
        assertThat(read(store.open(info.digest(), 0, data.length).orElseThrow())).isEqualTo(data);
    }

    @Test
    void shouldContinueAWriteThatAnotherInstanceExtended() throws Exception {
        byte[] data = random(13 * MIB, 3);
        StagedBlob here = store.stage();
        here.append(new ByteArrayInputStream(data, 0, 6 * MIB));
        try (S3BlobStore elsewhere = S3BlobStore.open(location, server.options())) {
            StagedBlob there = elsewhere.resume(here.id()).orElseThrow();
            assertThat(there.size()).isEqualTo(6 * MIB);
            there.append(new ByteArrayInputStream(data, 6 * MIB, 4 * MIB));
        }
        assertThat(here.size()).as("this instance sees the other's chunk").isEqualTo(10 * MIB);
        here.append(new ByteArrayInputStream(data, 10 * MIB, 3 * MIB), false);
        BlobInfo info = here.commit(sha256(data));
        assertThat(read(store.open(info.digest(), 0, data.length).orElseThrow())).isEqualTo(data);
    }

    @Test
    void shouldPublishASmallOneRequestBlobWithoutStagingPieces() {
        byte[] data = random(4096, 4);
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(data), false);
        assertThat(keys()).as("nothing written before the commit").isEmpty();
        staged.commit(sha256(data));
        assertThat(keys()).containsExactly("blobs/sha256/" + sha256(data).encoded());
    }

    @Test
    void shouldAnnounceS3sMinimumPart() {
        assertThat(store.minimumChunkSize()).hasValue(5L * MIB);
        assertThat(store.redirects()).as("redirects are off by default").isEmpty();
    }

    @Test
    void shouldRedirectToAPresignedUrlThatServesTheBlobAndItsRanges() throws Exception {
        byte[] data = random(100_000, 5);
        try (S3BlobStore redirecting = S3BlobStore.open(location, server.options().redirects(Duration.ofMinutes(5)))) {
            StagedBlob staged = redirecting.stage();
            staged.append(new ByteArrayInputStream(data), false);
            Digest digest = staged.commit(sha256(data)).digest();
            URI uri = redirecting.redirects().orElseThrow().readRedirect(digest).orElseThrow();
            assertThat(uri.getScheme()).isEqualTo("http");
            assertThat(uri.getQuery()).contains("X-Amz-Signature=");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(data);
            HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(uri).header("Range", "bytes=10-19").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(range.body()).isEqualTo(Arrays.copyOfRange(data, 10, 20));
            URI tampered = URI.create(uri.toString().replace("X-Amz-Signature=", "X-Amz-Signature=0"));
            assertThat(http.send(HttpRequest.newBuilder(tampered).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode()).as("the signature is checked").isEqualTo(403);
        }
    }

    @Test
    void shouldNameTheBucketWhenItCannotBeUsed() {
        assertThatThrownBy(() -> S3BlobStore.open(new S3Location("no-such-bucket", ""), server.options()))
                .isInstanceOf(StorageException.class).hasMessageContaining("no-such-bucket")
                .hasMessageContaining(server.endpoint().toString());
        S3BlobStore.Options wrongKey = server.options().credentials(
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("wharf-test", "wrong")));
        assertThatThrownBy(() -> S3BlobStore.open(location, wrongKey)).isInstanceOf(StorageException.class)
                .hasMessageContaining("403");
    }

    @Test
    void shouldRefuseUseAfterClose() {
        store.close();
        assertThatThrownBy(store::stage).isInstanceOf(StorageException.class).hasMessageContaining("closed");
    }

    @Test
    void shouldParseLocations() {
        assertThat(S3Location.parse("s3://bucket")).isEqualTo(new S3Location("bucket", ""));
        assertThat(S3Location.parse("s3://bucket/")).isEqualTo(new S3Location("bucket", ""));
        assertThat(S3Location.parse("s3://my.bucket-1/a/b")).isEqualTo(new S3Location("my.bucket-1", "a/b/"));
        assertThat(S3Location.parse("s3://bucket/a/b/").toString()).isEqualTo("s3://bucket/a/b/");
        for (String bad : List.of("bucket", "http://bucket/x", "s3://Bucket/x", "s3://b/x", "s3://bucket/a//b",
                "s3://bucket/../x", "s3://bucket/x?y=1", "s3://user@bucket/x", "s3://bucket:9000/x", "s3:///x")) {
            assertThatThrownBy(() -> S3Location.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldRefuseOptionsS3CannotUse() {
        S3BlobStore.Options options = S3BlobStore.Options.defaults();
        assertThatThrownBy(() -> options.partSize(4 * MIB)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.redirects(Duration.ofDays(8))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.endpoint(URI.create("ftp://x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.region(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
