package dev.wharf.testing.launcher;

import dev.wharf.testing.Http;
import dev.wharf.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash safety of the launcher's durable storage (RocksDB metadata, with blobs in files or in S3 through
 * {@code --blobs s3://…} on a real S3 server), proven the blunt way:
 * each round starts the launcher in a child JVM on the same data directory, lets several clients push
 * concurrently, kills the JVM with SIGKILL at a random moment, and checks on the next start that
 * <ul>
 *   <li>the store opens without repair and serves;</li>
 *   <li>every manifest that got a 201 is there byte for byte, by digest and by tag, and every blob that got a
 *       201 (alone or referenced by such a manifest) reads back and hashes to its digest;</li>
 *   <li>what was in flight is either whole or absent, never partial, and an open upload session reports what
 *       its last 202 acknowledged (or that plus the chunk in flight);</li>
 *   <li>every file under {@code blobs/} on disk, or object under the bucket's {@code blobs/}, hashes to its own
 *       name.</li>
 * </ul>
 * Each round checks what the previous one did plus a sample of older manifests; the last start checks all.
 *
 * <p>{@code -Dwharf.crashRounds=N} sets the number of rounds (20 by default, about a minute);
 * {@code -Dwharf.crashSeed=S} replays the random choices of a run (thread timing still varies). A longer run:
 * {@code mvn -B -o verify -pl test-registry -am -Dtest=CrashSafetyTest -Dwharf.crashRounds=200
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class CrashSafetyTest {
    private static final int ROUNDS = Integer.getInteger("wharf.crashRounds", 20);
    private static final long SEED = Long.getLong("wharf.crashSeed", System.nanoTime());
    private static final int PUSHERS = 4;
    private static final int SHARED_LAYERS = 3;
    private static final int OLD_MANIFESTS_PER_ROUND = 10;
    /** Kills land anywhere from the first requests of a fresh JVM to well into a stream of pushes. */
    private static final int MIN_KILL_DELAY_MILLIS = 50;
    private static final int MAX_KILL_DELAY_MILLIS = 1000;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(30);

    @TempDir
    Path work;

    private final SplittableRandom random = new SplittableRandom(SEED);
    private final ExecutorService pool = Executors.newFixedThreadPool(PUSHERS);
    private final List<CrashLog.Manifest> acknowledged = new ArrayList<>();
    private final Set<String> checkedFiles = new HashSet<>();
    private LauncherProcess launcher;
    private long startingNanos;

    /**
     * Where the launcher keeps things: everything in its data directory; blobs in a bucket of a real S3 server; or
     * blobs there and metadata in a real PostgreSQL (a cluster's node).
     */
    enum Blobs { FILES, S3, POSTGRES_AND_S3 }

    /**
     * The launcher's blob flags, the JVM options they need, the check of what is stored, and the latest kill: a
     * JVM that pushes to S3 starts its S3 client cold, so it gets fewer pushes through in its first second.
     */
    private record BlobPlace(List<String> flags, List<String> jvmOptions, BlobCheck check, int maxKillDelayMillis) {
    }

    @FunctionalInterface
    private interface BlobCheck {
        int check(Set<String> alreadyChecked, String context) throws Exception;
    }

    private BlobPlace place(Blobs blobs, Path data) throws Exception {
        if (blobs == Blobs.FILES) {
            return new BlobPlace(List.of(), List.of(),
                    (checked, context) -> CrashVerifier.blobFilesOnDisk(data, checked, context), MAX_KILL_DELAY_MILLIS);
        }
        S3ProxyServer s3 = S3ProxyServer.shared();
        String bucket = "wharf-crash";
        s3.createBucket(bucket);
        String prefix = "run-" + System.nanoTime() + "/";
        List<String> flags = new ArrayList<>(List.of("--blobs", "s3://" + bucket + "/" + prefix, "--s3-endpoint",
                s3.endpoint().toString(), "--s3-region", "us-east-1", "--s3-path-style"));
        if (blobs == Blobs.POSTGRES_AND_S3) {
            flags.addAll(List.of("--metadata", dev.wharf.jdbc.PostgresServer.shared().newDatabase()));
        }
        return new BlobPlace(flags,
                List.of("-Daws.accessKeyId=" + S3ProxyServer.ACCESS_KEY,
                        "-Daws.secretAccessKey=" + S3ProxyServer.SECRET_KEY),
                (checked, context) -> CrashVerifier.blobObjectsInS3(s3, bucket, prefix, checked, context),
                2 * MAX_KILL_DELAY_MILLIS);
    }

    @AfterEach
    void killChildAndPool() {
        pool.shutdownNow();
        if (launcher != null) {
            launcher.close();
        }
    }

    @ParameterizedTest(name = "blobs in {0}")
    @EnumSource(Blobs.class)
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void shouldKeepEverythingAcknowledgedAndNothingPartialWhenKilledDuringConcurrentPushes(Blobs blobs) throws Exception {
        assertThat(ROUNDS).as("-Dwharf.crashRounds").isPositive();
        Path data = work.resolve("data");
        BlobPlace place = place(blobs, data);
        long started = System.nanoTime();
        List<CrashLog> previous = List.of();
        int unansweredSeen = 0;
        for (int round = 1; round <= ROUNDS + 1; round++) {
            String context = "seed " + SEED + ", round " + round;
            URI base = startLauncher(data, place, context);
            CrashVerifier verify = new CrashVerifier(base, context);
            for (CrashLog log : previous) {
                assertThat(log.failures).as("%s: pushers of the previous round", context).isEmpty();
                log.acknowledged.forEach(verify::acknowledgedManifest);
                log.blobsAcknowledged.forEach(verify::acknowledgedBlob);
                log.unanswered.forEach(verify::unansweredManifest);
                log.blobsUnanswered.forEach(verify::unansweredBlob);
                log.openSession.ifPresent(verify::openSession);
                unansweredSeen += log.unanswered.size() + log.blobsUnanswered.size();
                acknowledged.addAll(log.acknowledged);
            }
            if (round <= ROUNDS) {
                sample(acknowledged, OLD_MANIFESTS_PER_ROUND).forEach(verify::acknowledgedManifest);
                place.check().check(checkedFiles, context);
                previous = pushUntilKilled(base, round, place.maxKillDelayMillis());
            } else {
                acknowledged.forEach(verify::acknowledgedManifest);
                checkedFiles.clear();
                int files = place.check().check(checkedFiles, context);
                assertThat(files).as(context).isPositive();
            }
        }
        launcher.close();

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("CrashSafetyTest (blobs in %s): %d rounds, seed %d, %d manifests acknowledged, %d requests"
                + " unanswered at kills, %d blobs stored, %s (%s of it starting JVMs)%n", blobs, ROUNDS, SEED,
                acknowledged.size(),
                unansweredSeen, checkedFiles.size(), took, Duration.ofNanos(startingNanos));
        assertThat(acknowledged).as("the rounds must get some pushes through to prove anything").hasSizeGreaterThan(ROUNDS / 2);
    }

    private URI startLauncher(Path data, BlobPlace place, String context) {
        long begin = System.nanoTime();
        List<String> jvm = new ArrayList<>(List.of("-Xmx256m"));
        jvm.addAll(place.jvmOptions());
        List<String> args = new ArrayList<>(List.of("--port", "0", "--data-dir", data.toString()));
        args.addAll(place.flags());
        launcher = LauncherProcess.start(work, jvm, args.toArray(String[]::new));
        URI base = launcher.awaitReady(START);
        startingNanos += System.nanoTime() - begin;
        assertThat(Http.get(base.resolve("/v2/")).statusCode()).as("%s: serving after restart", context).isEqualTo(200);
        return base;
    }

    /** Runs the pushers against the registry, kills it at a random moment and returns what they did. */
    private List<CrashLog> pushUntilKilled(URI base, int round, int maxKillDelayMillis) throws Exception {
        List<byte[]> shared = new ArrayList<>();
        for (int i = 0; i < SHARED_LAYERS; i++) {
            byte[] layer = new byte[1 + random.nextInt(256 * 1024)];
            new java.util.Random(random.nextLong()).nextBytes(layer);
            shared.add(layer);
        }
        AtomicBoolean killed = new AtomicBoolean();
        List<Future<CrashLog>> pushers = new ArrayList<>();
        for (int p = 0; p < PUSHERS; p++) {
            pushers.add(pool.submit(new CrashPusher(base, "r" + round + "-p" + p, shared, killed, random.nextLong())));
        }
        Thread.sleep(MIN_KILL_DELAY_MILLIS + random.nextInt(maxKillDelayMillis - MIN_KILL_DELAY_MILLIS));
        killed.set(true);
        launcher.process().destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
        assertThat(launcher.awaitExit(STOP)).isEqualTo(137);
        launcher.close();
        List<CrashLog> logs = new ArrayList<>();
        for (Future<CrashLog> pusher : pushers) {
            logs.add(pusher.get(STOP.toSeconds(), TimeUnit.SECONDS));
        }
        return logs;
    }

    private List<CrashLog.Manifest> sample(List<CrashLog.Manifest> all, int count) {
        List<CrashLog.Manifest> picked = new ArrayList<>();
        for (int i = 0; i < count && !all.isEmpty(); i++) {
            picked.add(all.get(random.nextInt(all.size())));
        }
        return picked;
    }
}
