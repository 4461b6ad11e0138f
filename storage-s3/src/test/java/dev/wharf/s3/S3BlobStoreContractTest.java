package dev.wharf.s3;

import dev.wharf.spi.BlobStore;
import dev.wharf.testkit.BlobStoreContract;
import org.junit.jupiter.api.BeforeAll;

import java.util.concurrent.atomic.AtomicInteger;

/** The whole blob store contract against {@link S3BlobStore} on a real S3 server (s3proxy), one prefix per case. */
class S3BlobStoreContractTest extends BlobStoreContract {
    static final String BUCKET = "wharf-contract";
    private static final AtomicInteger CASES = new AtomicInteger();

    static S3ProxyServer server;
    private S3Location location;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.shared();
        server.createBucket(BUCKET);
    }

    @Override
    protected BlobStore openStore() {
        location = new S3Location(BUCKET, "case-" + CASES.incrementAndGet() + "/");
        return S3BlobStore.open(location, server.options().redirects(java.time.Duration.ofMinutes(5)));
    }

    @Override
    protected BlobStore reopenStore() {
        return S3BlobStore.open(location, server.options().redirects(java.time.Duration.ofMinutes(5)));
    }
}
