package dev.wharf.api;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written validators (one scan per value, on every request) must accept exactly what the spec's
 * regular expressions accept. Random strings over the characters that matter, fixed seeds.
 */
class ValidatorAgreementTest {
    private static final Pattern SPEC_NAME = Pattern.compile(
            "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern SPEC_TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private static String random(Random r, String alphabet, int maxLength) {
        StringBuilder b = new StringBuilder();
        int length = r.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static boolean accepts(Predicate<String> parse, String s) {
        try {
            return parse.test(s);
        } catch (RegistryException e) {
            return false;
        }
    }

    @Test
    void shouldAcceptExactlyTheSpecRepositoryNames() {
        Random r = new Random(7);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            String s = random(r, "ab09._-/_A", 12);
            boolean spec = s.length() <= RepositoryName.MAX_LENGTH && SPEC_NAME.matcher(s).matches();
            assertThat(accepts(v -> RepositoryName.of(v) != null, s)).as("'%s'", s).isEqualTo(spec);
            accepted += spec ? 1 : 0;
        }
        assertThat(accepted).as("the sample holds valid names too").isGreaterThan(1000);
    }

    @Test
    void shouldAcceptExactlyTheSpecTags() {
        Random r = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            String s = random(r, "aZ09._-/:", 6);
            assertThat(accepts(v -> Tag.of(v) != null, s)).as("'%s'", s).isEqualTo(SPEC_TAG.matcher(s).matches());
        }
        assertThat(Tag.isValid("a".repeat(129))).isFalse();
    }

    @Test
    void shouldParseExactlyTheCanonicalSha256Digests() {
        Random r = new Random(13);
        for (int i = 0; i < 50_000; i++) {
            String hex = random(r, "0123456789abcdefA", 66);
            String s = (r.nextBoolean() ? "sha256:" : "sha256") + hex;
            boolean valid = SHA256.matcher(s).matches();
            assertThat(accepts(v -> Digest.parse(v) != null, s)).as("'%s'", s).isEqualTo(valid);
            if (valid) {
                assertThat(Digest.parse(s).toString()).isEqualTo(s);
                assertThat(Digest.parse(s).encoded()).isEqualTo(s.substring(7));
            }
        }
    }
}
