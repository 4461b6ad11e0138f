package dev.wharf.bench.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from {@code wrk} (Debian package {@code wrk}): a warm-up run whose numbers are discarded, then the
 * measured run, both with {@code --latency}. wrk does not check bodies, so a run fails unless it reports no
 * socket errors and no non-2xx answers; the caller checks one response by hand first.
 */
public final class WrkRunner {
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m|h)");
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private final Path wrk;
    private final int threads;
    private final Path scratch;

    /**
     * @param wrk     the wrk binary
     * @param threads wrk threads ({@code -t})
     * @param scratch a directory for the Lua script that sets the method
     */
    public WrkRunner(Path wrk, int threads, Path scratch) {
        this.wrk = wrk;
        this.threads = threads;
        this.scratch = scratch;
    }

    /** Runs {@code method url} with {@code headers} ("Name: value") on {@code connections} connections. */
    public LoadResult run(String method, String url, List<String> headers, int connections, long warmupSeconds,
                          long seconds) {
        if (warmupSeconds > 0) {
            parse(exec(method, url, headers, connections, warmupSeconds));
        }
        return parse(exec(method, url, headers, connections, seconds));
    }

    private String exec(String method, String url, List<String> headers, int connections, long seconds) {
        List<String> command = new ArrayList<>(List.of(wrk.toString(), "-t", Integer.toString(Math.min(threads,
                connections)), "-c", Integer.toString(connections), "-d", seconds + "s", "--latency", "--timeout", "5s"));
        for (String h : headers) {
            command.add("-H");
            command.add(h);
        }
        Path script = null;
        try {
            if (!method.equals("GET")) {
                script = Files.createTempFile(scratch, "wrk-", ".lua");
                Files.writeString(script, "wrk.method = \"" + method + "\"\n");
                command.add("-s");
                command.add(script.toString());
            }
            command.add(url);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            ChildProcesses.track(p);
            try {
                if (!p.waitFor(seconds + 30, TimeUnit.SECONDS)) {
                    throw new BenchmarkFailure("wrk did not finish within " + (seconds + 30) + " s");
                }
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new BenchmarkFailure("wrk exited with " + p.exitValue() + ":\n" + out);
                }
                return out;
            } finally {
                p.destroyForcibly();
                ChildProcesses.untrack(p);
            }
        } catch (IOException e) {
            throw new BenchmarkFailure("cannot run " + wrk + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailure("interrupted", e);
        } finally {
            if (script != null) {
                try {
                    Files.deleteIfExists(script);
                } catch (IOException ignored) {
                    // a leftover script in the harness's scratch directory is removed with it
                }
            }
        }
    }

    /** Reads wrk's summary; fails on any socket error, any non-2xx answer, or a summary it cannot read. */
    static LoadResult parse(String output) {
        Matcher errors = SOCKET_ERRORS.matcher(output);
        if (errors.find()) {
            throw new BenchmarkFailure("wrk reported socket errors (" + errors.group() + "):\n" + output);
        }
        Matcher non2xx = NON_2XX.matcher(output);
        if (non2xx.find()) {
            throw new BenchmarkFailure("wrk received " + non2xx.group(1) + " non-2xx/3xx answers:\n" + output);
        }
        Matcher requests = REQUESTS.matcher(output);
        Matcher rate = RATE.matcher(output);
        if (!requests.find() || !rate.find()) {
            throw new BenchmarkFailure("cannot read wrk's output:\n" + output);
        }
        long count = Long.parseLong(requests.group(1));
        if (count == 0) {
            throw new BenchmarkFailure("wrk completed no request:\n" + output);
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher pm = PERCENTILE.matcher(output);
        while (pm.find()) {
            double millis = toMillis(Double.parseDouble(pm.group(2)), pm.group(3));
            if (pm.group(1).equals("50")) {
                p50 = millis;
            } else {
                p99 = millis;
            }
        }
        if (Double.isNaN(p50) || Double.isNaN(p99)) {
            throw new BenchmarkFailure("wrk printed no latency distribution (--latency):\n" + output);
        }
        return new LoadResult(count, Double.parseDouble(rate.group(1)), p50, p99, "wrk");
    }

    static double toMillis(double value, String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> value / 1000;
            case "ms" -> value;
            case "s" -> value * 1000;
            case "m" -> value * 60_000;
            case "h" -> value * 3_600_000;
            default -> throw new IllegalArgumentException("unknown time unit " + unit);
        };
    }
}
