package dev.wharf.bench.slow;

/**
 * One phase against one server: what became of the slow clients, what the probe saw meanwhile, the server
 * process's peaks, and how soon a new client was answered once the slow ones had gone.
 *
 * @param phase            which phase
 * @param load             the slow clients' tally
 * @param probe            the probe's latencies and failures while they were connected
 * @param server           the server's thread and RSS maxima while they were connected
 * @param recoverySeconds  seconds from closing the slow connections until a probe HEAD was answered 200,
 *                         NaN when none was within the cap
 * @param openFileLimit    the server process's open-file limit, or -1 for unlimited
 * @param serverCpuSeconds CPU time the server process used during the phase (user and system)
 * @param harnessCpuSeconds CPU time this process (slow clients, probe, JVM) used during the phase
 */
public record PhaseResult(SlowClientOptions.Phase phase, SlowLoadResult load, Probe.Result probe,
                          ServerSampler.Maxima server, double recoverySeconds, long openFileLimit,
                          double serverCpuSeconds, double harnessCpuSeconds) {
}
