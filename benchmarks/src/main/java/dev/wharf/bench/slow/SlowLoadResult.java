package dev.wharf.bench.slow;

import java.util.Map;
import java.util.TreeMap;

/**
 * What happened to one phase's slow clients, counted when the phase's time was up.
 *
 * @param clients        clients started
 * @param connected      clients whose TCP connection completed
 * @param connectFailed  clients whose connection could not be made
 * @param answered       clients answered as hoped at least once (200 for a download; 202, the upload session,
 *                       for an upload)
 * @param waiting        connected clients still without any answer at the end
 * @param refused        clients answered with another status, by status
 * @param dropped        clients whose connection the server closed or reset
 * @param withBytes      clients that moved at least one body byte
 * @param movingAtEnd    clients that moved body bytes in the last {@code activeWindowSeconds}
 * @param bodyBytes      body bytes moved by all clients (received, or written to the socket for uploads)
 * @param completed      whole bodies moved (a download finished, an upload's PATCH answered)
 * @param seconds        how long the clients ran
 * @param activeWindowSeconds the window for {@code movingAtEnd}
 * @param ticks          ticks the selector thread ran
 * @param lateTicks      ticks that began more than half a tick late: the client itself short of CPU, so its
 *                       clients were slower than asked
 */
public record SlowLoadResult(int clients, int connected, int connectFailed, int answered, int waiting,
                             Map<Integer, Integer> refused, int dropped, int withBytes, int movingAtEnd,
                             long bodyBytes, long completed, double seconds, double activeWindowSeconds, long ticks,
                             long lateTicks) {
    public SlowLoadResult {
        refused = Map.copyOf(refused);
    }

    /** Clients answered with a status other than the hoped-for one. */
    public int refusedTotal() {
        return refused.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Body bytes per second over the run, all clients together. */
    public double bytesPerSecond() {
        return seconds > 0 ? bodyBytes / seconds : 0;
    }

    /** Accumulates the clients' reports at the end of a run. */
    static final class Tally {
        int connected;
        int connectFailed;
        int answered;
        int waiting;
        final Map<Integer, Integer> refused = new TreeMap<>();
        int dropped;
        int withBytes;
        int movingAtEnd;
        long bodyBytes;
        long completed;
        final long activeWindowNanos;

        Tally(long activeWindowNanos) {
            this.activeWindowNanos = activeWindowNanos;
        }

        void refused(int status) {
            refused.merge(status, 1, Integer::sum);
        }

        SlowLoadResult result(int clients, double seconds, long ticks, long lateTicks) {
            return new SlowLoadResult(clients, connected, connectFailed, answered, waiting, refused, dropped,
                    withBytes, movingAtEnd, bodyBytes, completed, seconds, activeWindowNanos / 1e9, ticks, lateTicks);
        }
    }
}
