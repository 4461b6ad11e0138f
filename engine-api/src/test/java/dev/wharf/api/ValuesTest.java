package dev.wharf.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValuesTest {
    private static final String HEX64 = "a".repeat(64);

    @Test
    void shouldRoundTripSha256AndSha512Digests() {
        Digest d256 = Digest.parse("sha256:" + HEX64);
        Digest d512 = Digest.parse("sha512:" + "b".repeat(128));
        assertThat(d256.algorithm()).isEqualTo(DigestAlgorithm.SHA256);
        assertThat(d256.toString()).isEqualTo("sha256:" + HEX64);
        assertThat(d512.algorithm()).isEqualTo(DigestAlgorithm.SHA512);
        assertThat(Digest.parse(d512.toString())).isEqualTo(d512);
    }

    @Test
    void shouldComputeWellKnownEmptyDigest() {
        assertThat(DigestAlgorithm.SHA256.digest(new byte[0]).toString())
                .isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(DigestAlgorithm.SHA256.digest("{}".getBytes(StandardCharsets.UTF_8)).toString())
                .isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    }

    @Test
    void shouldHandOutIndependentFreshHashers() {
        for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
            java.security.MessageDigest used = algorithm.newMessageDigest();
            used.update("partial".getBytes(StandardCharsets.UTF_8));
            java.security.MessageDigest fresh = algorithm.newMessageDigest();
            assertThat(fresh).isNotSameAs(used);
            assertThat(Digest.of(algorithm, fresh.digest())).as("a hasher handed out after another was used")
                    .isEqualTo(algorithm.digest(new byte[0]));
        }
        assertThat(DigestAlgorithm.SHA512.digest(new byte[0]).toString()).isEqualTo("sha512:"
                + "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
    }

    static Stream<Arguments> badDigests() {
        return Stream.of(
                Arguments.of("", "missing"),
                Arguments.of("sha256", "malformed"),
                Arguments.of("sha256:", "malformed"),
                Arguments.of("sha1:" + "a".repeat(40), "unsupported digest algorithm"),
                Arguments.of("sha256:" + "a".repeat(63), "64 lowercase hex"),
                Arguments.of("sha256:" + "A".repeat(64), "64 lowercase hex"),
                Arguments.of("sha256:" + "g".repeat(64), "64 lowercase hex"),
                Arguments.of("SHA256:" + HEX64, "malformed"),
                Arguments.of("sha512:" + HEX64, "128 lowercase hex"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("badDigests")
    void shouldRefuseBadDigestWithDigestInvalid(String input, String messagePart) {
        assertThatThrownBy(() -> Digest.parse(input))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID);
                    assertThat(e.httpStatus()).isEqualTo(400);
                })
                .hasMessageContaining(messagePart);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "library/ubuntu", "a0/b-c/d.e/f__g", "a--b", "x/y/z/w", "foo_bar"})
    void shouldAcceptValidRepositoryNames(String name) {
        assertThat(RepositoryName.of(name).value()).isEqualTo(name);
    }

    static Stream<Arguments> badNames() {
        return Stream.of(
                Arguments.of("Library/ubuntu", "lowercase"),
                Arguments.of("a//b", "empty"),
                Arguments.of("/a", "empty"),
                Arguments.of("a/", "empty"),
                Arguments.of("a/../b", "component '..'"),
                Arguments.of("a___b", "component"),
                Arguments.of("-a", "component"),
                Arguments.of("a.", "component"),
                Arguments.of("a".repeat(256), "at most 255"),
                Arguments.of("", "empty"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("badNames")
    void shouldRefuseBadRepositoryNameSayingWhy(String input, String why) {
        assertThatThrownBy(() -> RepositoryName.of(input))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_INVALID))
                .hasMessageContaining(why);
    }

    @Test
    void shouldAcceptNameOfExactlyMaxLength() {
        String name = "a".repeat(RepositoryName.MAX_LENGTH);
        assertThat(RepositoryName.of(name).value()).hasSize(255);
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "v1.2.3", "_x", "A-b_c.d", "0"})
    void shouldAcceptValidTags(String tag) {
        assertThat(Tag.of(tag).value()).isEqualTo(tag);
        assertThat(Reference.parse(tag)).isEqualTo(Tag.of(tag));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".hidden", "-x", "a/b", "a b", "ä"})
    void shouldRefuseInvalidTags(String tag) {
        assertThatThrownBy(() -> Tag.of(tag)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.TAG_INVALID));
    }

    @Test
    void shouldRefuseTagLongerThan128() {
        assertThat(Tag.of("a".repeat(128)).value()).hasSize(128);
        assertThatThrownBy(() -> Tag.of("a".repeat(129))).hasMessageContaining("at most 128");
    }

    @Test
    void shouldParseReferenceAsDigestWhenItHasAColon() {
        assertThat(Reference.parse("sha256:" + HEX64)).isInstanceOf(Digest.class);
        assertThatThrownBy(() -> Reference.parse("sha256:short")).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID));
    }

    @Test
    void shouldTakeStatusAndWireCodeFromTheCatalogue() {
        RegistryException e = new RegistryException(ErrorCode.MANIFEST_TOO_LARGE, "big");
        assertThat(e.httpStatus()).isEqualTo(413);
        assertThat(e.code().wireCode()).isEqualTo("MANIFEST_INVALID");
        assertThat(e.getMessage()).isEqualTo("big");
        assertThat(new RegistryException(ErrorCode.BLOB_UNKNOWN, "x").code().wireCode()).isEqualTo("BLOB_UNKNOWN");
    }

    @Test
    void shouldGiveEveryCatalogueEntryASpecCodeOrItsOwnName() {
        java.util.Set<String> spec = java.util.Set.of("BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN",
                "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN", "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID",
                "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED", "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS");
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.wireCode().equals(code.name()) || spec.contains(code.wireCode()))
                    .as("%s is on the wire as %s", code, code.wireCode()).isTrue();
            assertThat(code.httpStatus()).as(code.name())
                    .satisfiesAnyOf(s -> assertThat(s).isBetween(400, 499), s -> assertThat(code).isIn(ErrorCode.STORAGE_FULL, ErrorCode.UPSTREAM_UNAVAILABLE));
        }
    }

    @Test
    void shouldOrderTagsAsciibetically() {
        assertThat(Stream.of("b", "B", "a", "_", "1").map(Tag::of).sorted().map(Tag::value))
                .containsExactly("1", "B", "_", "a", "b");
    }
}
