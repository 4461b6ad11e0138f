package dev.wharf.jdbc;

import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Manifest;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.StorageException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link JdbcMetadataStore} promises beyond the contract kit, on a real PostgreSQL: two stores on one
 * database (two nodes) see each other's changes at once and race for a tag with exactly one winner; the schema is
 * created once and a newer one is refused; a database that cannot be reached is named without its password.
 */
class JdbcMetadataStoreTest {
    private static final RepositoryName REPO = RepositoryName.of("nodes/app");
    private static PostgresServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.shared();
    }

    private static ManifestRecord manifest(String seed) {
        byte[] bytes = ("{\"seed\":\"" + seed + "\"}").getBytes(StandardCharsets.UTF_8);
        return new ManifestRecord(new Manifest(DigestAlgorithm.SHA256.digest(bytes), MediaTypes.OCI_MANIFEST, bytes),
                Set.of(), Set.of(), Optional.empty(), Optional.empty(), Map.of());
    }

    @Test
    void shouldLetExactlyOneOfManyNodesCreateATag() throws Exception {
        String url = server.newDatabase();
        int writers = 12;
        try (JdbcMetadataStore a = JdbcMetadataStore.open(url, 4); JdbcMetadataStore b = JdbcMetadataStore.open(url, 4)) {
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                JdbcMetadataStore node = i % 2 == 0 ? a : b;
                ManifestRecord record = manifest("writer-" + i);
                results.add(pool.submit(() -> {
                    start.await();
                    return node.putManifest(REPO, record, List.of(new TagMove(Tag.of("latest"), Optional.empty(),
                            Optional.of(record.digest()), Instant.now())));
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get() ? 1 : 0;
            }
            pool.shutdown();
            assertThat(winners).as("writers that created the tag").isEqualTo(1);
            assertThat(a.resolveTag(REPO, Tag.of("latest"))).isEqualTo(b.resolveTag(REPO, Tag.of("latest")))
                    .isPresent();
            assertThat(a.tagHistory(REPO, Tag.of("latest"))).hasSize(1);
            assertThat(b.eventLog().orElseThrow().lastSequence()).isZero();
        }
    }

    @Test
    void shouldShowOneNodesChangesToAnotherAtOnce() throws Exception {
        String url = server.newDatabase();
        try (JdbcMetadataStore a = JdbcMetadataStore.open(url, 2); JdbcMetadataStore b = JdbcMetadataStore.open(url, 2)) {
            ManifestRecord record = manifest("shared");
            a.linkBlob(REPO, record.digest());
            assertThat(a.putManifest(REPO, record, List.of(new TagMove(Tag.of("v1"), Optional.empty(),
                    Optional.of(record.digest()), Instant.now())))).isTrue();
            assertThat(b.manifest(REPO, record.digest())).contains(record);
            assertThat(b.isBlobLinked(REPO, record.digest())).isTrue();
            assertThat(b.deleteTag(REPO, Tag.of("v1"), Instant.now())).isTrue();
            assertThat(a.resolveTag(REPO, Tag.of("v1"))).isEmpty();
        }
    }

    @Test
    void shouldHoldALockApartAcrossNodesAndReleaseItWhenTheHolderGoes() throws Exception {
        String url = server.newDatabase();
        try (JdbcMetadataStore b = JdbcMetadataStore.open(url, 2)) {
            JdbcMetadataStore a = JdbcMetadataStore.open(url, 2);
            dev.wharf.spi.Coordination.Lock held = a.coordination().orElseThrow().lock("digest:shared", true);
            held.lock();
            java.util.concurrent.CompletableFuture<Void> waiting = java.util.concurrent.CompletableFuture.runAsync(() -> {
                dev.wharf.spi.Coordination.Lock lock = b.coordination().orElseThrow().lock("digest:shared", false);
                lock.lock();
                lock.unlock();
            });
            Thread.sleep(300);
            assertThat(waiting).as("b waits for a's exclusive lock").isNotDone();
            a.close(); // a node that goes away: its sessions end, and PostgreSQL releases what they held
            waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
            a.coordination().orElseThrow(); // still answers what it is, closed
            assertThat(b.coordination().orElseThrow().lease("gc", "b", java.time.Duration.ofMinutes(1))).isTrue();
        }
    }

    @Test
    void shouldCreateTheSchemaOnceAndRefuseANewerOne() throws Exception {
        String url = server.newDatabase();
        JdbcMetadataStore.open(url, 1).close();
        JdbcMetadataStore.open(url, 1).close(); // a second start migrates nothing
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            var rows = s.executeQuery("SELECT version FROM wharf_schema");
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(Schema.MIGRATIONS.size());
            s.execute("UPDATE wharf_schema SET version = 99");
        }
        assertThatThrownBy(() -> JdbcMetadataStore.open(url, 1)).isInstanceOf(StorageException.class)
                .hasMessageContaining("schema version 99").hasMessageContaining("newer");
    }

    @Test
    void shouldNameADatabaseItCannotReachWithoutItsPassword() {
        assertThatThrownBy(() -> JdbcMetadataStore.open("jdbc:postgresql://127.0.0.1:1/wharf?user=u&password=hunter2", 1))
                .isInstanceOf(StorageException.class).hasMessageContaining("password=***")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> JdbcMetadataStore.open("jdbc:mysql://db/wharf", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PostgreSQL JDBC URL");
    }
}
