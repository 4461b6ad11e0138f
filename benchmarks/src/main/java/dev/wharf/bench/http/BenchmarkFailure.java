package dev.wharf.bench.http;

/**
 * A workload got an answer it did not expect (status, digest, length, content) or could not finish: the run
 * is broken and no number may be reported for it.
 */
public final class BenchmarkFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BenchmarkFailure(String message) {
        super(message);
    }

    public BenchmarkFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
