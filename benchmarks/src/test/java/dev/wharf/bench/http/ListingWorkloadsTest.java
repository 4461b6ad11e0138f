package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ListingWorkloadsTest {

    @Test
    void shouldNameTagsAsTheFormatPatternDid() {
        for (int i = 0; i < 1_100_000; i += i < 2_000 ? 1 : 997) {
            assertThat(ListingWorkloads.tagName(i)).isEqualTo(String.format("t%06d", i));
        }
        assertThat(ListingWorkloads.tagName(42)).isEqualTo("t000042");
        assertThat(ListingWorkloads.tagName(1_234_567)).isEqualTo("t1234567");
    }
}
