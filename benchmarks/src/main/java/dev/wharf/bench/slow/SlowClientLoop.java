package dev.wharf.bench.slow;

import dev.wharf.bench.http.Target;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * Drives many {@link SlowClient}s from the calling thread with one selector, until a deadline: opens their
 * non-blocking connections at {@value #CONNECTS_PER_SECOND} a second, completes them as the selector reports
 * them, and every tick gives each connected client its turn. Past the deadline the clients are held a little
 * longer while the caller asks for it (so that a probe request sent before the deadline is answered, or not,
 * under the same load, rather than by a server that the closing clients just released), but never past the
 * hard deadline. Then, or when anything fails, every connection is closed; a run never outlives its hard
 * deadline by more than one tick and the time to close.
 *
 * <p>Why a ramp: a thousand connects at once overflow a listen backlog of 50 (what a server that does not
 * set one gets from the JDK), and the kernel then retries the dropped SYNs after one, three, seven seconds;
 * the run would measure SYN retries instead of slow clients. A thousand a second is well within what either
 * server accepts.
 *
 * <p>The receive buffer is set before connecting, so the window the client advertises is small from the
 * first segment on (Linux doubles the value asked for, for its own bookkeeping).
 */
final class SlowClientLoop {
    static final int CONNECTS_PER_SECOND = 1000;
    /** Scratch for reads: one tick's budget of a fast client; slow ones use a few KiB of it. */
    private static final int SCRATCH = 256 * 1024;

    private SlowClientLoop() {
    }

    /**
     * How a run is paced.
     *
     * @param tickNanos         period of the clients' turns
     * @param receiveBufferBytes SO_RCVBUF of each connection, 0 for the system's default
     */
    record Pacing(long tickNanos, int receiveBufferBytes) {
        Pacing {
            if (tickNanos < 1_000_000L || tickNanos > ByteBudget.MAX_TICK_NANOS) {
                throw new IllegalArgumentException("tick must be 1 ms to 1 s");
            }
            if (receiveBufferBytes < 0) {
                throw new IllegalArgumentException("receive buffer must not be negative");
            }
        }

        /** How many connections may be opened per tick at {@link #CONNECTS_PER_SECOND}. */
        int connectsPerTick() {
            return (int) Math.max(1, CONNECTS_PER_SECOND * tickNanos / 1_000_000_000L);
        }

        /** The time the ramp takes to open {@code clients} connections. */
        long rampNanos(int clients) {
            return (long) Math.ceil(clients / (double) connectsPerTick()) * tickNanos;
        }
    }

    /**
     * When a run ends.
     *
     * @param deadlineNanos     the planned end ({@link System#nanoTime()})
     * @param hardDeadlineNanos the latest end, whatever {@code holdOpen} says
     * @param holdOpen          asked after the planned end: true to keep the clients a tick longer
     */
    record Schedule(long deadlineNanos, long hardDeadlineNanos, BooleanSupplier holdOpen) {
        Schedule {
            if (hardDeadlineNanos - deadlineNanos < 0) {
                throw new IllegalArgumentException("the hard deadline is before the deadline");
            }
        }

        /** Ends at {@code deadlineNanos}, holding nothing open. */
        static Schedule until(long deadlineNanos) {
            return new Schedule(deadlineNanos, deadlineNanos, () -> false);
        }

        boolean over(long now) {
            return now - hardDeadlineNanos >= 0 || (now - deadlineNanos >= 0 && !holdOpen.getAsBoolean());
        }
    }

    /**
     * Runs {@code count} clients made by {@code factory} against {@code target} until {@code schedule} says
     * the run is over, then closes them and returns their tally; "still moving" is judged over the last
     * {@code activeWindowNanos}.
     */
    static SlowLoadResult run(Target target, int count, IntFunction<SlowClient> factory, Pacing pacing,
                              Schedule schedule, long activeWindowNanos) throws IOException {
        InetSocketAddress address = new InetSocketAddress(target.host(), target.port());
        List<SlowClient> clients = new ArrayList<>(count);
        List<SocketChannel> channels = new ArrayList<>(count);
        List<SlowClient> connected = new ArrayList<>(count);
        ByteBuffer scratch = ByteBuffer.allocate(SCRATCH);
        long start = System.nanoTime();
        long end = start;
        long ticks = 0;
        long lateTicks = 0;
        try (Selector selector = Selector.open()) {
            long nextTick = start;
            while (true) {
                long now = System.nanoTime();
                if (schedule.over(now)) {
                    break;
                }
                if (now - nextTick >= 0) {
                    ticks++;
                    if (now - nextTick > pacing.tickNanos() / 2) {
                        lateTicks++;
                    }
                    for (int i = 0; i < pacing.connectsPerTick() && clients.size() < count; i++) {
                        SlowClient client = factory.apply(clients.size());
                        clients.add(client);
                        open(address, client, pacing, selector, channels, connected, now);
                    }
                    for (SlowClient client : connected) {
                        turn(client, now, scratch);
                    }
                    nextTick += pacing.tickNanos();
                    if (nextTick - now <= 0) {
                        nextTick = now + pacing.tickNanos(); // fell behind: skip, never catch up in a burst
                    }
                }
                long until = now - schedule.deadlineNanos() < 0 ? schedule.deadlineNanos() : schedule.hardDeadlineNanos();
                long wake = Math.min(nextTick - now, until - now);
                selector.select(Math.max(1, wake / 1_000_000L));
                long selected = System.nanoTime();
                for (SelectionKey key : selector.selectedKeys()) {
                    SlowClient client = (SlowClient) key.attachment();
                    SocketChannel channel = (SocketChannel) key.channel();
                    try {
                        if (channel.finishConnect()) {
                            key.interestOps(0);
                            connected.add(client);
                            client.connected(channel, selected);
                        }
                    } catch (IOException e) {
                        key.cancel();
                        client.failed();
                        closeQuietly(channel);
                    }
                }
                selector.selectedKeys().clear();
            }
            end = System.nanoTime();
        } finally {
            for (SocketChannel ch : channels) {
                closeQuietly(ch);
            }
        }
        SlowLoadResult.Tally tally = new SlowLoadResult.Tally(activeWindowNanos);
        for (SlowClient client : clients) {
            client.report(tally, end);
        }
        for (int i = clients.size(); i < count; i++) {
            tally.connectFailed++; // never started: the ramp did not reach them before the deadline
        }
        return tally.result(count, (end - start) / 1e9, ticks, lateTicks);
    }

    private static void open(InetSocketAddress address, SlowClient client, Pacing pacing, Selector selector,
                             List<SocketChannel> channels, List<SlowClient> connected, long now) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            channels.add(ch);
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (pacing.receiveBufferBytes() > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, pacing.receiveBufferBytes());
            }
            if (ch.connect(address)) {
                connected.add(client);
                client.connected(ch, now);
            } else {
                ch.register(selector, SelectionKey.OP_CONNECT, client);
            }
        } catch (IOException e) {
            client.failed();
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // giving the connection up: nothing to do about it
            }
        }
    }

    /** One client's turn; a failure is the server dropping that client, never the end of the run. */
    private static void turn(SlowClient client, long now, ByteBuffer scratch) {
        try {
            client.tick(now, scratch);
        } catch (IOException e) {
            client.failed();
        }
    }
}
