package dev.wharf.bench.http;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * One registry process through every workload, in an order where each step has what it needs: big-blob
 * push, pull and chunked push; small blobs and the HEAD load; then the manifest GET load, tag creation, tag
 * walk and catalog walk; finally the process's peak RSS. Records one value per metric in {@link Results}.
 */
final class ServerRun {
    /** Time a single request may take: a 1 GiB body on a slow disk included. */
    static final int READ_TIMEOUT_MILLIS = 600_000;
    /** A count-bounded phase (thousands of small requests) that takes longer than this is broken. */
    static final long PHASE_DEADLINE_SECONDS = 1800;

    final HarnessOptions options;
    final ServerProcess server;
    final Target target;
    final Results results;
    final BlobSet blobs;
    final double diskMiBs;
    /** Every repository this run created, for the catalog check. */
    final Set<String> repositories = new TreeSet<>();
    private final PrintStream log;
    private final String prefix;

    ServerRun(HarnessOptions options, ServerProcess server, Results results, BlobSet blobs, double diskMiBs,
              PrintStream log, String prefix) {
        this.options = options;
        this.server = server;
        this.target = server.target();
        this.results = results;
        this.blobs = blobs;
        this.diskMiBs = diskMiBs;
        this.log = log;
        this.prefix = prefix;
    }

    void runAll() {
        BlobWorkloads blob = new BlobWorkloads(this);
        ListingWorkloads listing = new ListingWorkloads(this);
        if (options.warmupSeconds() > 0) {
            blob.warmUp();
        }
        blob.pushMonolithic();
        blob.pull();
        blob.pushChunked();
        blob.pushSmallBlobs();
        blob.headLoad();
        listing.manifestLoad();
        listing.createTags();
        listing.walkTags();
        listing.walkCatalog();
        server.requireAlive();
        record(Metric.PEAK_RSS, server.peakRssKiB() / 1024.0);
    }

    /** Records a value for this target and logs it. */
    void record(Metric metric, double value) {
        server.requireAlive();
        results.add(metric, target.name(), value);
        log.printf(Locale.ROOT, "%s %s: %s = %s %s%n", prefix, target.name(), metric.name().toLowerCase(Locale.ROOT),
                Report.num(value), metric.unit());
        log.flush();
    }

    RegistryClient client() {
        return new RegistryClient(target, READ_TIMEOUT_MILLIS);
    }

    static double mibPerSecond(long bytes, long nanos) {
        return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
    }
}
