package dev.wharf.servlet;

import dev.wharf.api.ByteRange;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code Range} (blob GET) and {@code Content-Range} (upload PATCH/PUT) parsing. */
class RangeHeadersTest {

    @ParameterizedTest(name = "''{0}'' of {1} bytes -> {2}-{3}")
    @CsvSource(delimiter = '|', textBlock = """
            bytes=0-99        | 5000 | 0    | 99
            bytes=0-0         | 5000 | 0    | 0
            bytes=1000-       | 5000 | 1000 | 4999
            bytes=-10         | 5000 | 4990 | 4999
            bytes=-9000       | 5000 | 0    | 4999
            bytes=4000-999999 | 5000 | 4000 | 4999
            bytes=4999-4999   | 5000 | 4999 | 4999
            BYTES=1-2         | 5000 | 1    | 2
            ' bytes= 1-2 '    | 5000 | 1    | 2
            bytes=0-99999999999999999999 | 10 | 0 | 9
            """)
    void shouldSelectPartWhenRangeIsSatisfiable(String header, long size, long first, long last) {
        assertThat(RangeHeaders.range(header, size))
                .isEqualTo(new RangeHeaders.Partial(new ByteRange(first, last)));
    }

    @ParameterizedTest(name = "''{0}'' of {1} bytes -> 416")
    @CsvSource(delimiter = '|', textBlock = """
            bytes=3000-       | 3000
            bytes=3000-3100   | 3000
            bytes=99999999999999999999- | 3000
            bytes=-0          | 3000
            bytes=0-          | 0
            bytes=-5          | 0
            """)
    void shouldBeUnsatisfiableWhenRangeStartsAtOrPastTheEnd(String header, long size) {
        assertThat(RangeHeaders.range(header, size)).isEqualTo(new RangeHeaders.Unsatisfiable());
    }

    @ParameterizedTest(name = "''{0}'' -> whole blob")
    @ValueSource(strings = {"", "bytes=", "bytes=-", "bytes=0-1,5-6", "items=0-1", "bytes=5-2", "bytes=a-b",
            "0-10", "bytes 0-10"})
    void shouldServeWholeBlobWhenRangeIsNotUnderstood(String header) {
        assertThat(RangeHeaders.range(header, 100)).isEqualTo(new RangeHeaders.Whole());
    }

    @Test
    void shouldServeWholeBlobWhenRangeIsAbsent() {
        assertThat(RangeHeaders.range(null, 100)).isEqualTo(new RangeHeaders.Whole());
    }

    @ParameterizedTest(name = "Content-Range ''{0}'' -> {1}-{2}")
    @CsvSource(delimiter = '|', textBlock = """
            0-1023         | 0    | 1023
            1024-2047      | 1024 | 2047
            bytes 0-9      | 0    | 9
            bytes=0-9      | 0    | 9
            Bytes=5-5      | 5    | 5
            ' 7-8 '        | 7    | 8
            """)
    void shouldParseContentRangeWhenInOneOfTheAcceptedForms(String header, long first, long last) {
        assertThat(RangeHeaders.contentRange(header)).contains(new ByteRange(first, last));
    }

    @ParameterizedTest(name = "Content-Range ''{0}'' -> 400")
    @ValueSource(strings = {"", "0-", "-5", "5-2", "a-b", "0-9/10", "bytes 0-9/*", "bytes:0-9", "0 - 9",
            "0-99999999999999999999", "1,2"})
    void shouldRefuseContentRangeWhenMalformed(String header) {
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> RangeHeaders.contentRange(header));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_INVALID);
        assertThat(e.httpStatus()).isEqualTo(400);
    }

    @Test
    void shouldHaveNoContentRangeWhenHeaderIsAbsent() {
        assertThat(RangeHeaders.contentRange(null)).isEmpty();
    }
}
