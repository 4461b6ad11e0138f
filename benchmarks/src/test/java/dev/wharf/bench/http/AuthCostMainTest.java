package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AuthCostMainTest {

    @Test
    void shouldRotateLoginsWhenRoundsFollow() {
        assertThat(AuthCostMain.order(1)).containsExactly(AuthCostMain.Login.ANONYMOUS, AuthCostMain.Login.BASIC,
                AuthCostMain.Login.TOKEN);
        assertThat(AuthCostMain.order(2)).containsExactly(AuthCostMain.Login.BASIC, AuthCostMain.Login.TOKEN,
                AuthCostMain.Login.ANONYMOUS);
        assertThat(AuthCostMain.order(3)).containsExactly(AuthCostMain.Login.TOKEN, AuthCostMain.Login.ANONYMOUS,
                AuthCostMain.Login.BASIC);
        assertThat(AuthCostMain.order(4)).isEqualTo(AuthCostMain.order(1));
    }

    @Test
    void shouldAskTheLauncherForEachLoginWhenStarting() {
        Path users = Path.of("/tmp/users.htpasswd");
        assertThat(AuthCostMain.Login.ANONYMOUS.flags(users)).isEmpty();
        assertThat(AuthCostMain.Login.BASIC.flags(users)).containsExactly("--htpasswd", "/tmp/users.htpasswd");
        assertThat(AuthCostMain.Login.TOKEN.flags(users))
                .containsExactly("--htpasswd", "/tmp/users.htpasswd", "--token-auth");
    }
}
