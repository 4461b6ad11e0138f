package dev.wharf.core.internal;

import dev.wharf.spi.StorageException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link BackgroundPieces}: pieces are worked on in order, off the caller's thread, with the bytes they had when
 * submitted; at most two are in flight; a failure reaches the caller and stops the work; waiting means waiting.
 */
class BackgroundPiecesTest {

    @Test
    void shouldWorkOnEveryByteInOrderOffTheCallersThread() {
        byte[] data = new byte[3_000_000];
        new Random(3).nextBytes(data);
        ByteArrayOutputStream worked = new ByteArrayOutputStream();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        BackgroundPieces pieces = BackgroundPieces.open(piece -> {
            threads.add(Thread.currentThread());
            if (calls.incrementAndGet() % 3 == 0) {
                sleep(2); // lets pieces queue up behind this one
            }
            byte[] copy = new byte[piece.remaining()];
            piece.get(copy);
            worked.writeBytes(copy);
        }).orElseThrow();
        byte[] reused = new byte[400_000]; // the caller reuses its buffer as soon as submit returns
        int[] sizes = {65_536, 1, 400_000, 262_144, 262_145, 7, 100_000};
        int at = 0;
        for (int i = 0; at < data.length; i++) {
            int n = Math.min(sizes[i % sizes.length], data.length - at);
            System.arraycopy(data, at, reused, 0, n);
            ByteBuffer buffer = ByteBuffer.wrap(reused, 0, n);
            pieces.submit(buffer);
            assertThat(buffer.hasRemaining()).as("submit consumes the buffer").isFalse();
            Arrays.fill(reused, (byte) 0);
            at += n;
        }
        pieces.await();
        pieces.close();
        assertThat(worked.toByteArray()).isEqualTo(data);
        assertThat(threads).doesNotContain(Thread.currentThread());
    }

    @Test
    void shouldStopWorkingAtTheFirstFailureAndThrowItToTheCaller() {
        List<Integer> worked = new ArrayList<>();
        IllegalStateException broken = new IllegalStateException("disk full");
        BackgroundPieces pieces = BackgroundPieces.open(piece -> {
            int first = piece.get(0);
            if (first == 3) {
                throw broken;
            }
            synchronized (worked) {
                worked.add(first);
            }
        }).orElseThrow();
        RuntimeException thrown = null;
        for (int i = 0; i < 20 && thrown == null; i++) {
            byte[] piece = new byte[100];
            piece[0] = (byte) i;
            try {
                pieces.submit(ByteBuffer.wrap(piece));
            } catch (RuntimeException e) {
                thrown = e;
            }
            if (i == 4) {
                assertThatThrownBy(pieces::await).isSameAs(broken);
            }
        }
        assertThat(thrown).as("the submit after the failure throws it").isSameAs(broken);
        assertThatThrownBy(pieces::await).isSameAs(broken);
        pieces.close();
        synchronized (worked) {
            assertThat(worked).containsExactly(0, 1, 2);
        }
    }

    @Test
    void shouldHoldTheCallerBackWhileTwoPiecesAreInFlightAndAwaitThemAll() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        BackgroundPieces pieces = BackgroundPieces.open(piece -> {
            await(release);
            done.incrementAndGet();
        }).orElseThrow();
        pieces.submit(ByteBuffer.wrap(new byte[10]));
        pieces.submit(ByteBuffer.wrap(new byte[10]));
        CountDownLatch thirdIn = new CountDownLatch(1);
        Thread submitter = new Thread(() -> {
            pieces.submit(ByteBuffer.wrap(new byte[10]));
            thirdIn.countDown();
        });
        submitter.start();
        assertThat(thirdIn.await(300, TimeUnit.MILLISECONDS)).as("a third piece waits for room").isFalse();

        CountDownLatch awaited = new CountDownLatch(1);
        Thread awaiter = new Thread(() -> {
            pieces.close();
            awaited.countDown();
        });
        awaiter.start();
        assertThat(awaited.await(300, TimeUnit.MILLISECONDS)).as("awaiting waits for the work").isFalse();

        release.countDown();
        assertThat(thirdIn.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(awaited.await(5, TimeUnit.SECONDS)).isTrue();
        submitter.join(5_000);
        pieces.await();
        assertThat(done.get()).isEqualTo(3);
    }

    @Test
    void shouldReportACheckedExceptionTheWorkThrewUndeclaredAsAStorageFailure() {
        BackgroundPieces pieces = BackgroundPieces.open(piece -> sneakyThrow(new java.io.IOException("no space")))
                .orElseThrow();
        try {
            pieces.submit(ByteBuffer.wrap(new byte[10]));
            assertThatThrownBy(pieces::await).isInstanceOf(StorageException.class)
                    .hasCauseInstanceOf(java.io.IOException.class);
            assertThatThrownBy(() -> pieces.submit(ByteBuffer.wrap(new byte[10]))).isInstanceOf(StorageException.class);
        } finally {
            pieces.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable e) throws E {
        throw (E) e;
    }

    @Test
    void shouldWorkOnAtMostSixteenBodiesInTheBackgroundAtOnce() {
        List<BackgroundPieces> open = new ArrayList<>();
        try {
            for (int i = 0; i < BackgroundPieces.BODIES; i++) {
                open.add(BackgroundPieces.open(piece -> { }).orElseThrow());
            }
            assertThat(BackgroundPieces.open(piece -> { })).as("a body beyond the limit works on its own thread")
                    .isEmpty();
            open.get(0).close();
            open.get(0).close(); // idempotent: gives its place back once
            BackgroundPieces again = BackgroundPieces.open(piece -> { }).orElseThrow();
            open.set(0, again);
            assertThat(BackgroundPieces.open(piece -> { })).isEmpty();
        } finally {
            open.forEach(BackgroundPieces::close);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
