package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryClientTest {

    @Test
    void shouldFollowLinkAsOriginFormWhenRelativeOrAbsolute() {
        assertThat(RegistryClient.linkTarget("</v2/a/b/tags/list?n=100&last=t000099>; rel=\"next\""))
                .isEqualTo("/v2/a/b/tags/list?n=100&last=t000099");
        assertThat(RegistryClient.linkTarget("<http://127.0.0.1:5000/v2/_catalog?last=catalog%2Fr00099&n=100>; rel=\"next\""))
                .isEqualTo("/v2/_catalog?last=catalog%2Fr00099&n=100");
    }

    @Test
    void shouldFailWhenLinkIsNotNext() {
        assertThatThrownBy(() -> RegistryClient.linkTarget("</v2/x>; rel=\"prev\"")).isInstanceOf(BenchmarkFailure.class);
        assertThatThrownBy(() -> RegistryClient.linkTarget("garbage")).isInstanceOf(BenchmarkFailure.class);
    }

    @Test
    void shouldKeepSessionStateWhenLocationIsAbsolute() {
        String location = RegistryClient.originForm(
                "http://127.0.0.1:41000/v2/bench/big/blobs/uploads/0b1c?_state=abc%3D%3D");
        assertThat(location).isEqualTo("/v2/bench/big/blobs/uploads/0b1c?_state=abc%3D%3D");
        assertThat(RegistryClient.withQuery(location, "digest=sha256:ab"))
                .isEqualTo("/v2/bench/big/blobs/uploads/0b1c?_state=abc%3D%3D&digest=sha256:ab");
        assertThat(RegistryClient.withQuery("/v2/r/blobs/uploads/u", "digest=sha256:ab"))
                .isEqualTo("/v2/r/blobs/uploads/u?digest=sha256:ab");
    }

    @Test
    void shouldComputeOciDigestWhenHashing() {
        assertThat(RegistryClient.sha256(new byte[0]))
                .isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
