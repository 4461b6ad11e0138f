package dev.wharf.testing.launcher;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The large-blob test hashes the generator twice with different buffer sizes; both must see one stream. */
class GeneratedContentTest {
    private static final int SIZE = 3 * (1 << 20) + 12_345;

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8_192, 1 << 20, (1 << 20) + 3})
    void shouldYieldSameBytesWhenReadInChunksOfAnySize(int chunk) throws Exception {
        byte[] whole = readAll(new GeneratedContent(SIZE), SIZE);

        byte[] chunked = readAll(new GeneratedContent(SIZE), chunk);

        assertThat(chunked).hasSize(SIZE).isEqualTo(whole);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void shouldStampEachMebibyteWithItsIndexWhenRepeatingPattern(int block) throws Exception {
        byte[] bytes = readAll(new GeneratedContent(SIZE), SIZE);
        int start = block << 20;

        assertThat(bytes[start]).isEqualTo((byte) block);
        assertThat(Arrays.copyOfRange(bytes, start + 1, start + 8)).containsOnly(0);
        assertThat(Arrays.copyOfRange(bytes, start + 8, start + 4_096))
                .isEqualTo(Arrays.copyOfRange(bytes, 8, 4_096));
    }

    private static byte[] readAll(InputStream in, int chunk) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[chunk];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
