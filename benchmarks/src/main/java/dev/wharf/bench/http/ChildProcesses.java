package dev.wharf.bench.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every child process the harness starts, so that a shutdown hook can end them when the harness is stopped
 * (Ctrl+C, SIGTERM) before its own {@code finally} blocks run. Only processes started here are ever ended.
 */
final class ChildProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::endAll, "bench-children"));
    }

    private ChildProcesses() {
    }

    static void track(Process p) {
        LIVE.add(p);
    }

    static void untrack(Process p) {
        LIVE.remove(p);
    }

    /** Asks each live child to stop, then kills what is left after a few seconds. */
    static void endAll() {
        for (Process p : LIVE) {
            p.destroy();
        }
        for (Process p : LIVE) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
