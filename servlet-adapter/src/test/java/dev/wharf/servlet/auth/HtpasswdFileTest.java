package dev.wharf.servlet.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HtpasswdFileTest {
    /** {@code htpasswd -Bbn alice secret} from apache2-utils (cost 5, the tool's default). */
    static final String ALICE = "alice:$2y$05$xHLh25ZWwuVmcIJ2HiAT/OZamTkNpFrvb1ITaK.f1Sq1s5QIPVq66";

    @Test
    void shouldVerifyPasswordsWrittenByHtpasswd() {
        HtpasswdFile file = HtpasswdFile.parse("users", List.of("# team", "", ALICE));
        assertThat(file.verify("alice", "secret".toCharArray())).isTrue();
        assertThat(file.verify("alice", "Secret".toCharArray())).isFalse();
        assertThat(file.verify("bob", "secret".toCharArray())).isFalse();
        assertThat(file.users()).containsExactly("alice");
        assertThat(file.toString()).doesNotContain("$2y$");
    }

    @Test
    void shouldVerifyHashesItMakes(@TempDir Path dir) throws Exception {
        Path users = dir.resolve("users.htpasswd");
        Files.writeString(users, "bob:" + HtpasswdFile.hash("pässword".toCharArray()) + "\n");
        HtpasswdFile file = HtpasswdFile.read(users);
        assertThat(file.verify("bob", "pässword".toCharArray())).isTrue();
        assertThat(file.verify("bob", "password".toCharArray())).isFalse();
    }

    @Test
    void shouldRefuseAPasswordBcryptWouldTruncate() {
        HtpasswdFile file = HtpasswdFile.parse("users", List.of("bob:" + HtpasswdFile.hash("x".repeat(72).toCharArray())));
        assertThat(file.verify("bob", "x".repeat(73).toCharArray())).isFalse();
        assertThat(file.verify("bob", "x".repeat(72).toCharArray())).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "alice:$apr1$q9Xzv1wZ$8cI5xN6Kd1/0h3ZbS6f2e/ | not bcrypt",
            "alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=      | not bcrypt",
            "alice:secret                                 | not bcrypt",
            "just-a-name                                  | expected user:hash",
            ":$2y$05$xHLh25ZWwuVmcIJ2HiAT/OZamTkNpFrvb1ITaK.f1Sq1s5QIPVq66 | expected user:hash"})
    void shouldRefuseLinesThatAreNotBcrypt(String line, String message) {
        assertThatThrownBy(() -> HtpasswdFile.parse("users.htpasswd", List.of("# c", line)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("users.htpasswd line 2").hasMessageContaining(message)
                .hasMessageNotContaining("$2y$");
    }

    @Test
    void shouldRefuseDuplicatesEmptyFilesAndMissingFiles(@TempDir Path dir) {
        assertThatThrownBy(() -> HtpasswdFile.parse("f", List.of(ALICE, ALICE))).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> HtpasswdFile.parse("f", List.of("# nobody"))).hasMessageContaining("no users");
        assertThatThrownBy(() -> HtpasswdFile.read(dir.resolve("missing"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("missing");
    }
}
