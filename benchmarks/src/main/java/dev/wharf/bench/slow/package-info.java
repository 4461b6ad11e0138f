/**
 * The slow-client benchmark: the Wharf launcher and CNCF distribution, each held by many slow clients at
 * once, while a probe measures how a new client is served. Entry point
 * {@link dev.wharf.bench.slow.SlowClientMain}; driven by {@code benchmarks/run-slow-clients.sh}.
 *
 * <p>Two phases, each for a fixed time rather than to completion: slow downloads (GET one blob, read at a
 * fixed rate through a small receive buffer) and trickling uploads (POST a session, then PATCH a body a few
 * bytes a second). All slow clients of a phase run on one selector thread, paced by a per-connection
 * {@link dev.wharf.bench.slow.ByteBudget}; the probe runs on its own thread with a new connection per request;
 * the server's threads and RSS are read from /proc every second. Servers, probe and connections are the
 * {@code dev.wharf.bench.http} harness's where they can be (starting both servers, the HTTP client pieces,
 * the blob content), so both harnesses measure the same processes.
 *
 * <p>Every phase, every probe request and the run as a whole have a hard deadline, and every socket and
 * child process is closed on the way out, including on failure or Ctrl+C.
 */
package dev.wharf.bench.slow;
