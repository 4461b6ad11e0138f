package dev.wharf.example;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second cached test context beside {@link AnonymousPullTest}'s (another property makes it another context, and
 * Spring keeps both open): both name {@code wharf.data-dir=registry-data} in {@code application.properties}, yet
 * each gets a directory of its own, so this one starts and serves instead of failing with "in use by another
 * process or store".
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "wharf.max-page-size=500")
class SecondContextTest {
    @LocalServerPort
    int port;

    @Value("${wharf.data-dir}")
    Path dataDir;

    @Test
    void shouldStartBesideAnotherContextOnADirectoryOfItsOwn() throws Exception {
        assertThat(dataDir.toString()).contains("wharf-test-").doesNotEndWith("registry-data");
        HttpResponse<String> catalog = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v2/_catalog")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(catalog.statusCode()).as(catalog.body()).isEqualTo(200);
    }
}
