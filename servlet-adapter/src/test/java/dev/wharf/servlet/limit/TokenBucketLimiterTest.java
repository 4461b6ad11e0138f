package dev.wharf.servlet.limit;

import dev.wharf.api.Caller;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in limiter on a clock the tests move by hand: no test sleeps. */
class TokenBucketLimiterTest {
    private static final String HOME = "192.0.2.1";
    private static final String AWAY = "198.51.100.7";

    private final AtomicLong nanos = new AtomicLong(123_456_789L);

    private TokenBucketLimiter limiter(RateLimits limits) {
        return TokenBucketLimiter.of(limits, nanos::get);
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private static RateRequest read(String user, String address) {
        return new RateRequest(caller(user), address, RateRequest.Kind.READ, RateRequest.NO_BODY);
    }

    private static RateRequest write(String user, String address, OptionalLong body) {
        return new RateRequest(caller(user), address, RateRequest.Kind.WRITE, body);
    }

    private static RateRequest anonymousRead(String address) {
        return read(null, address);
    }

    private static Caller caller(String user) {
        return user == null ? Caller.anonymous() : Caller.of(() -> user);
    }

    @Test
    void shouldAdmitTheBurstThenRefuseUntilATokenIsBack() {
        TokenBucketLimiter limiter = limiter(RateLimits.none().withReads(Rate.perSecond(2)));

        assertThat(limiter.admit(anonymousRead(HOME))).isEmpty();
        assertThat(limiter.admit(anonymousRead(HOME))).isEmpty();
        assertThat(limiter.admit(anonymousRead(HOME)))
                .contains(new RateRefusal(Budget.READS, Duration.ofMillis(500)));

        advance(Duration.ofMillis(499));
        assertThat(limiter.admit(anonymousRead(HOME)))
                .contains(new RateRefusal(Budget.READS, Duration.ofMillis(1)));
        advance(Duration.ofMillis(1));
        assertThat(limiter.admit(anonymousRead(HOME))).isEmpty();
        assertThat(limiter.admit(anonymousRead(HOME))).isPresent();
    }

    @Test
    void shouldSaveUpNoMoreThanTheBurstWhileIdle() {
        TokenBucketLimiter limiter = limiter(RateLimits.none().withReads(Rate.perMinute(60).withBurst(5)));
        assertThat(limiter.admit(anonymousRead(HOME))).isEmpty();

        advance(Duration.ofHours(3));
        int admitted = 0;
        while (limiter.admit(anonymousRead(HOME)).isEmpty()) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(5);
    }

    @Test
    void shouldSpendNothingForARefusedRequest() {
        TokenBucketLimiter limiter = limiter(RateLimits.none().withReads(Rate.perSecond(1)));
        assertThat(limiter.admit(anonymousRead(HOME))).isEmpty();
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.admit(anonymousRead(HOME))).isPresent();
        }

        advance(Duration.ofSeconds(1));
        assertThat(limiter.admit(anonymousRead(HOME))).isEmpty();
    }

    @Test
    void shouldKeepReadsAndWritesInSeparateBudgets() {
        TokenBucketLimiter limiter = limiter(RateLimits.none().withRequests(Rate.perMinute(1)));

        assertThat(limiter.admit(write("alice", HOME, RateRequest.NO_BODY))).isEmpty();
        assertThat(limiter.admit(write("alice", HOME, RateRequest.NO_BODY))).get()
                .extracting(RateRefusal::budget).isEqualTo(Budget.WRITES);
        assertThat(limiter.admit(read("alice", HOME))).as("reads are not spent by writes").isEmpty();
        assertThat(limiter.admit(read("alice", HOME))).get()
                .isEqualTo(new RateRefusal(Budget.READS, Duration.ofMinutes(1)));
    }

    @Test
    void shouldChargeADeclaredBodyUpFrontAndGiveTheWriteBackWhenTheBytesAreShort() {
        TokenBucketLimiter limiter = limiter(RateLimits.none().withWrites(Rate.perSecond(2))
                .withUploadBytes(Rate.perSecond(1000)));

        assertThat(limiter.admit(write(null, HOME, OptionalLong.of(600)))).isEmpty();
        assertThat(limiter.admit(write(null, HOME, OptionalLong.of(600))))
                .contains(new RateRefusal(Budget.UPLOAD_BYTES, Duration.ofMillis(200)));
        assertThat(limiter.admit(write(null, HOME, RateRequest.NO_BODY)))
                .as("the refused body's write token was given back; a write without a body needs no bytes").isEmpty();
        assertThat(limiter.admit(write(null, HOME, RateRequest.NO_BODY))).get()
                .extracting(RateRefusal::budget).isEqualTo(Budget.WRITES);
    }

    @Test
    void shouldAdmitABodyLargerThanTheBurstOnceFullAndMakeTheNextWaitForTheDebt() {
        TokenBucketLimiter limiter = limiter(RateLimits.none().withUploadBytes(Rate.perSecond(1000)));
        assertThat(limiter.admit(write(null, HOME, OptionalLong.of(10)))).isEmpty();
        assertThat(limiter.admit(write(null, HOME, OptionalLong.of(5000))))
                .as("not full: the large body waits until it is").contains(
                        new RateRefusal(Budget.UPLOAD_BYTES, Duration.ofMillis(10)));

        advance(Duration.ofMillis(10));
        assertThat(limiter.admit(write(null, HOME, OptionalLong.of(5000)))).isEmpty();
        assertThat(limiter.admit(write(null, HOME, OptionalLong.of(1))))
                .contains(new RateRefusal(Budget.UPLOAD_BYTES, Duration.ofMillis(4001)));
        assertThat(limiter.admit(write(null, HOME, RateRequest.NO_BODY))).as("no body, no bytes").isEmpty();

        advance(Duration.ofMillis(4001));
        assertThat(limiter.admit(write(null, HOME, OptionalLong.of(1)))).isEmpty();
    }

    @Test
    void shouldChargeABodyOfUnknownLengthAsItArrives() {
        TokenBucketLimiter limiter = limiter(RateLimits.none().withUploadBytes(Rate.perSecond(1000)));
        RateRequest chunked = write(null, HOME, OptionalLong.empty());

        assertThat(limiter.admit(chunked)).isEmpty();
        for (int i = 0; i < 30; i++) {
            limiter.charge(chunked, 100);
        }
        assertThat(limiter.admit(write(null, HOME, OptionalLong.empty())))
                .as("overdrawn by 2000 bytes").contains(new RateRefusal(Budget.UPLOAD_BYTES, Duration.ofSeconds(2)));
        assertThat(limiter.admit(write(null, HOME, OptionalLong.of(1000))))
                .contains(new RateRefusal(Budget.UPLOAD_BYTES, Duration.ofSeconds(3)));

        advance(Duration.ofSeconds(2));
        assertThat(limiter.admit(write(null, HOME, OptionalLong.empty()))).as("paid back").isEmpty();
    }

    @Test
    void shouldKeyUsersByNameWhereverTheyAreAndAnonymousCallersByAddress() {
        TokenBucketLimiter limiter = limiter(RateLimits.none().withReads(Rate.perMinute(1)));

        assertThat(limiter.admit(read("alice", HOME))).isEmpty();
        assertThat(limiter.admit(read("alice", AWAY))).as("the same user elsewhere").isPresent();
        assertThat(limiter.admit(read("bob", HOME))).as("another user at the same address").isEmpty();
        assertThat(limiter.admit(anonymousRead(HOME))).as("anonymous at alice's address").isEmpty();
        assertThat(limiter.admit(anonymousRead(HOME))).isPresent();
        assertThat(limiter.admit(anonymousRead(AWAY))).as("anonymous elsewhere").isEmpty();
        assertThat(limiter.admit(read(HOME, AWAY))).as("a user named like an address is not that address").isEmpty();
    }

    @Test
    void shouldTrackNobodyForBudgetsThatAreNotLimited() {
        TokenBucketLimiter limiter = limiter(RateLimits.none().withUploadBytes(Rate.perSecond(10)));

        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.admit(anonymousRead("10.0.0." + (i % 250)))).isEmpty();
        }
        assertThat(limiter.admit(write(null, HOME, RateRequest.NO_BODY))).isEmpty();
        assertThat(limiter.trackedClients()).isZero();
    }

    @Test
    void shouldForgetClientsWhoseBucketsAreFullAgainButKeepTheOthers() {
        TokenBucketLimiter limiter = limiter(RateLimits.none().withReads(Rate.perMinute(6).withBurst(1)));
        assertThat(limiter.admit(read("busy", HOME))).isEmpty(); // full again in 10 s
        advance(Duration.ofSeconds(5));
        for (int i = 0; i < TokenBucketLimiter.SWEEP_AT; i++) {
            assertThat(limiter.admit(anonymousRead(address(i)))).isEmpty(); // full again in 15 s
        }
        assertThat(limiter.trackedClients()).isEqualTo(TokenBucketLimiter.SWEEP_AT + 1);
        advance(Duration.ofSeconds(6));

        assertThat(limiter.admit(anonymousRead("new"))).isEmpty();
        assertThat(limiter.trackedClients()).as("busy forgotten, new added").isEqualTo(TokenBucketLimiter.SWEEP_AT + 1);
        assertThat(limiter.admit(anonymousRead(address(7)))).as("still remembered: not full yet").isPresent();
        assertThat(limiter.admit(read("busy", HOME))).as("forgotten with a full bucket: nothing lost").isEmpty();

        advance(Duration.ofSeconds(10));
        assertThat(limiter.admit(anonymousRead("newer"))).isEmpty();
        assertThat(limiter.trackedClients()).as("all full again and swept; the newest stays").isOne();
    }

    @Test
    void shouldRefuseNewClientsForASecondWhileTheTableIsFullOfBusyOnes() {
        TokenBucketLimiter limiter = limiter(RateLimits.none().withReads(Rate.perMinute(1).withBurst(2)));
        for (int i = 0; i < TokenBucketLimiter.MAX_CLIENTS; i++) {
            assertThat(limiter.admit(anonymousRead(address(i)))).isEmpty();
        }

        assertThat(limiter.admit(anonymousRead("one too many")))
                .contains(new RateRefusal(Budget.READS, TokenBucketLimiter.TABLE_FULL_WAIT));
        assertThat(limiter.admit(anonymousRead(address(42)))).as("clients in the table go on").isEmpty();
        assertThat(limiter.trackedClients()).isEqualTo(TokenBucketLimiter.MAX_CLIENTS);

        advance(Duration.ofMinutes(2));
        assertThat(limiter.admit(anonymousRead("one too many"))).isEmpty();
        assertThat(limiter.trackedClients()).isOne();
    }

    @Test
    void shouldNeverAdmitMoreThanTheBurstToConcurrentRequests() throws Exception {
        TokenBucketLimiter limiter = limiter(RateLimits.none().withReads(Rate.perSecond(1000)));
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> counts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                counts.add(pool.submit(() -> {
                    start.await();
                    int admitted = 0;
                    for (int i = 0; i < 1000; i++) {
                        Optional<RateRefusal> refusal = limiter.admit(read("alice", HOME));
                        admitted += refusal.isEmpty() ? 1 : 0;
                    }
                    return admitted;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> count : counts) {
                total += count.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(1000);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String address(int i) {
        return "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
    }
}
