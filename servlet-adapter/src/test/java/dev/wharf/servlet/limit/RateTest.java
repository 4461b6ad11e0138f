package dev.wharf.servlet.limit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateTest {

    @ParameterizedTest
    @CsvSource({
            "100/s, 100, PT1S",
            "6000/m, 6000, PT1M",
            "3/h, 3, PT1H",
            "' 7 / min ', 7, PT1M",
            "50MiB/s, 52428800, PT1S",
            "64kib/m, 65536, PT1M",
            "2GB/h, 2147483648, PT1H",
            "10b/s, 10, PT1S",
    })
    void shouldParseAmountPerUnitWithABurstOfTheAmount(String text, long amount, Duration per) {
        Rate rate = Rate.parse(text);

        assertThat(rate.amount()).isEqualTo(amount);
        assertThat(rate.per()).isEqualTo(per);
        assertThat(rate.burst()).isEqualTo(amount);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "100", "0/s", "-1/s", "100/d", "1e3/s", "100/s/s", "ten/s", "100 per s", "1.5/s",
            "9999999999999999/s"})
    void shouldRefuseWhatIsNotARateSayingWhatWasGiven(String text) {
        assertThatThrownBy(() -> Rate.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void shouldParseABurstAmountWithOrWithoutASizeSuffix() {
        assertThat(Rate.parseAmount("200")).isEqualTo(200);
        assertThat(Rate.parseAmount("64MiB")).isEqualTo(64L << 20);
        assertThatThrownBy(() -> Rate.parseAmount("0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Rate.parseAmount("lots")).hasMessageContaining("'lots'");
    }

    @Test
    void shouldRefuseAnEmptyBurstOrAPeriodOutsideAMillisecondToADay() {
        assertThatThrownBy(() -> Rate.perSecond(10).withBurst(0)).hasMessageContaining("burst");
        assertThatThrownBy(() -> Rate.of(1, Duration.ZERO)).hasMessageContaining("1 ms to 1 day");
        assertThatThrownBy(() -> Rate.of(1, Duration.ofDays(2))).hasMessageContaining("1 ms to 1 day");
        assertThatThrownBy(() -> Rate.of(0, Duration.ofSeconds(1))).hasMessageContaining("at least 1 token");
    }

    @Test
    void shouldWriteItselfAsItIsParsed() {
        assertThat(Rate.parse("100/s")).hasToString("100/s");
        assertThat(Rate.perMinute(5).withBurst(20)).hasToString("5/m burst 20");
        assertThat(Rate.of(3, Duration.ofSeconds(30))).hasToString("3/PT30S");
        assertThat(Rate.parse(Rate.parse("3/h").toString())).isEqualTo(Rate.parse("3/h"));
    }

    @Test
    void shouldTurnTokensIntoTimeWithoutOverflowing() {
        assertThat(Rate.perSecond(3).nanosFor(1)).isEqualTo(333_333_333L);
        assertThat(Rate.perSecond(3).nanosFor(3)).isEqualTo(1_000_000_000L);
        assertThat(Rate.parse("1GiB/s").nanosFor(1L << 40)).isEqualTo(1024L * 1_000_000_000L);
        assertThat(Rate.perSecond(1).nanosFor(Long.MAX_VALUE / 2)).isEqualTo(Rate.SATURATION_NANOS);
    }

    @Test
    void shouldKeepLimitsImmutableAndNameEachBudget() {
        RateLimits none = RateLimits.none();
        RateLimits some = none.withRequests(Rate.perSecond(10)).withUploadBytes(Rate.parse("1MiB/s"));

        assertThat(none.isUnlimited()).isTrue();
        assertThat(none.rate(Budget.READS)).isEmpty();
        assertThat(some.isUnlimited()).isFalse();
        assertThat(some.rate(Budget.READS)).contains(Rate.perSecond(10));
        assertThat(some.rate(Budget.WRITES)).contains(Rate.perSecond(10));
        assertThat(some).hasToString("RateLimits[reads=10/s, writes=10/s, uploadBytes=1048576/s]");
        assertThat(none).hasToString("RateLimits[none]");
        assertThat(some).isEqualTo(RateLimits.none().withReads(Rate.perSecond(10)).withWrites(Rate.perSecond(10))
                .withUploadBytes(Rate.parse("1MiB/s")));
    }
}
