package dev.wharf.testkit;

import dev.wharf.api.RepositoryName;
import dev.wharf.spi.Coordination;
import dev.wharf.spi.MetadataStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.wharf.testkit.MetadataFixtures.REPO;
import static dev.wharf.testkit.MetadataFixtures.digest;
import static dev.wharf.testkit.MetadataFixtures.manifest;
import static dev.wharf.testkit.MetadataFixtures.push;
import static dev.wharf.testkit.MetadataFixtures.repo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link Coordination} contract, for stores that offer it ({@link MetadataStore#coordination()}; skipped,
 * saying why, for those that do not): an exclusive lock excludes every other holder and shared ones only exclusive
 * holders; a repository's version counts its changes and never goes back; a lease has one holder at a time until
 * its term runs out. Run through {@link MetadataStoreContract}; a shared store's own tests should also check the
 * locks between two instances over one storage, as two nodes use it.
 */
public interface CoordinationContract extends MetadataStoreUnderTest {
    /** How long a lock that must wait is given to show that it waits. */
    long WAITS_MILLIS = 300;

    private Coordination coordination() {
        Optional<Coordination> coordination = store().coordination();
        Assumptions.assumeTrue(coordination.isPresent(),
                "the store offers no coordination (coordination() is empty): it is not shared between nodes");
        return coordination.get();
    }

    /** Takes {@code lock} on another thread; the future completes once it is held (and releases it then). */
    private static CompletableFuture<Void> takeElsewhere(Coordination.Lock lock) {
        return CompletableFuture.runAsync(() -> {
            lock.lock();
            lock.unlock();
        });
    }

    private static boolean waits(CompletableFuture<Void> taking) throws Exception {
        try {
            taking.get(WAITS_MILLIS, TimeUnit.MILLISECONDS);
            return false;
        } catch (TimeoutException e) {
            return true;
        }
    }

    @Test
    default void shouldHoldExclusiveLocksApartFromEveryOtherHolder() throws Exception {
        Coordination c = coordination();
        Coordination.Lock held = c.lock("digest:a", true);
        held.lock();
        CompletableFuture<Void> exclusive;
        CompletableFuture<Void> shared;
        CompletableFuture<Void> other;
        try {
            exclusive = takeElsewhere(c.lock("digest:a", true));
            shared = takeElsewhere(c.lock("digest:a", false));
            other = takeElsewhere(c.lock("digest:b", true));
            other.get(10, TimeUnit.SECONDS); // another name is free
            assertThat(waits(exclusive)).as("an exclusive holder waits").isTrue();
            assertThat(waits(shared)).as("a shared holder waits").isTrue();
        } finally {
            held.unlock();
        }
        exclusive.get(10, TimeUnit.SECONDS);
        shared.get(10, TimeUnit.SECONDS);
    }

    @Test
    default void shouldLetSharedHoldersInTogetherButNotAnExclusiveOne() throws Exception {
        Coordination c = coordination();
        Coordination.Lock held = c.lock("repository:x", false);
        held.lock();
        CompletableFuture<Void> exclusive;
        try {
            takeElsewhere(c.lock("repository:x", false)).get(10, TimeUnit.SECONDS);
            exclusive = takeElsewhere(c.lock("repository:x", true));
            assertThat(waits(exclusive)).as("an exclusive holder waits for the shared one").isTrue();
        } finally {
            held.unlock();
        }
        exclusive.get(10, TimeUnit.SECONDS);
    }

    @Test
    default void shouldLetOneThreadHoldSeveralLocksAndReleaseThemInAnyOrder() throws Exception {
        Coordination c = coordination();
        Coordination.Lock first = c.lock("repository:y", true);
        Coordination.Lock second = c.lock("digest:y", true);
        first.lock();
        second.lock();
        first.unlock();
        takeElsewhere(c.lock("repository:y", true)).get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> waiting = takeElsewhere(c.lock("digest:y", true));
        assertThat(waits(waiting)).isTrue();
        second.unlock();
        waiting.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(second::unlock).as("nothing left to release").isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    default void shouldCountARepositorysChangesWithoutEverGoingBack() {
        Coordination c = coordination();
        RepositoryName other = repo("other/app");
        long before = c.version(REPO);
        long otherBefore = c.version(other);
        store().linkBlob(REPO, digest("layer"));
        long linked = c.version(REPO);
        assertThat(linked).isGreaterThan(before);
        push(store(), REPO, manifest("m"), "v1");
        long pushed = c.version(REPO);
        assertThat(pushed).isGreaterThan(linked);
        store().deleteManifest(REPO, manifest("m").digest(), MetadataFixtures.T0);
        store().unlinkBlob(REPO, digest("layer"));
        assertThat(store().repositoryExists(REPO)).isFalse();
        long emptied = c.version(REPO);
        assertThat(emptied).as("emptied, the count still grows").isGreaterThan(pushed);
        store().linkBlob(REPO, digest("layer"));
        assertThat(c.version(REPO)).as("created again").isGreaterThan(emptied);
        assertThat(c.version(other)).as("another repository").isEqualTo(otherBefore);
    }

    @Test
    default void shouldGiveALeaseToOneHolderUntilItsTermRunsOut() throws Exception {
        Coordination c = coordination();
        assertThat(c.lease("gc", "node-a", Duration.ofMillis(500))).isTrue();
        assertThat(c.lease("gc", "node-b", Duration.ofMinutes(1))).as("held by a").isFalse();
        assertThat(c.lease("gc", "node-a", Duration.ofMillis(500))).as("a renews").isTrue();
        assertThat(c.lease("other", "node-b", Duration.ofMinutes(1))).as("another lease").isTrue();
        Thread.sleep(700);
        assertThat(c.lease("gc", "node-b", Duration.ofMinutes(1))).as("a's term ran out").isTrue();
        assertThat(c.lease("gc", "node-a", Duration.ofMinutes(1))).isFalse();
        c.releaseLease("gc", "node-a"); // not a's: nothing happens
        assertThat(c.lease("gc", "node-a", Duration.ofMinutes(1))).isFalse();
        c.releaseLease("gc", "node-b");
        assertThat(c.lease("gc", "node-a", Duration.ofMinutes(1))).as("given up by b").isTrue();
    }
}
