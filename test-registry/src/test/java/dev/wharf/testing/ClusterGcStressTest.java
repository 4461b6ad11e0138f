package dev.wharf.testing;

import dev.wharf.jdbc.JdbcMetadataStore;
import dev.wharf.jdbc.PostgresServer;
import dev.wharf.s3.S3BlobStore;
import dev.wharf.s3.S3Location;
import dev.wharf.s3.S3ProxyServer;
import dev.wharf.servlet.GcStressSuite;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.MetadataStore;

import java.nio.file.Path;

/**
 * The GC stress suite on a cluster: three nodes, each its own engine and Jetty, over one PostgreSQL database and
 * one S3 bucket, each collecting garbage every 250 ms (taking turns through the database's lease, with locks that
 * hold across the nodes) while the workers push, pull and delete through nodes chosen at random. No live pull may
 * fail, and storage must end holding exactly the referenced blobs.
 */
class ClusterGcStressTest extends GcStressSuite {
    private String database;
    private S3Location location;

    @Override
    protected int nodes() {
        return 3;
    }

    @Override
    protected MetadataStore metadataStore(Path directory) {
        try {
            if (database == null) {
                database = PostgresServer.shared().newDatabase();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return JdbcMetadataStore.open(database, 8);
    }

    @Override
    protected BlobStore blobStore(Path directory) {
        try {
            S3ProxyServer s3 = S3ProxyServer.shared();
            if (location == null) {
                s3.createBucket("wharf-gc-stress");
                location = new S3Location("wharf-gc-stress", "run-" + System.nanoTime());
            }
            return S3BlobStore.open(location, s3.options());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
