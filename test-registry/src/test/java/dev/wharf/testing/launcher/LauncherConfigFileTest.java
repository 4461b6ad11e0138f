package dev.wharf.testing.launcher;

import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Upstream;
import dev.wharf.api.UploadChunk;
import dev.wharf.servlet.limit.Rate;
import dev.wharf.servlet.limit.RateLimits;
import dev.wharf.testing.Http;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LauncherConfigFileTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("wharf.yaml"), yaml, StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadEveryUpstreamSetting() throws Exception {
        Files.writeString(dir.resolve("hub.txt"), "me:secret\n");
        LauncherConfigFile file = LauncherConfigFile.read(write("""
                mirror:
                  defaultUpstream: Docker.io
                  upstreams:
                    - host: docker.io
                      url: https://registry-1.docker.io
                      credentialsFile: hub.txt
                      allow: ["library/*", "grafana/**"]
                      tagRecheck: PT5M
                      retention: P30D
                      connectTimeout: PT2S
                      readTimeout: PT10S
                    - host: localhost:5000
                      url: http://127.0.0.1:5000
                      libraryPrefix: true
                      tagRecheck: PT0S
                """));

        assertThat(file.defaultUpstream()).hasValue("docker.io");
        Upstream hub = file.upstreams().get(0);
        assertThat(hub.url()).isEqualTo(URI.create("https://registry-1.docker.io"));
        assertThat(hub.username()).hasValue("me");
        assertThat(hub.password()).hasValue("secret");
        assertThat(hub.libraryPrefix()).as("docker.io by default").isTrue();
        assertThat(hub.allows("library/alpine")).isTrue();
        assertThat(hub.allows("evil/alpine")).isFalse();
        assertThat(hub.tagRecheck()).isEqualTo(Duration.ofMinutes(5));
        assertThat(hub.retention()).hasValue(Duration.ofDays(30));
        assertThat(hub.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(hub.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        Upstream local = file.upstreams().get(1);
        assertThat(local.prefix()).isEqualTo("localhost-5000");
        assertThat(local.libraryPrefix()).isTrue();
        assertThat(local.tagRecheck()).isZero();
        assertThat(local.username()).isEmpty();
        assertThat(LauncherConfigFile.read(write("# nothing yet\n"))).isEqualTo(LauncherConfigFile.EMPTY);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            limits: {}                                                    | limits is not a key this version knows; expected one of [contentPolicy, events, mirror, quotas, rateLimits]
            quotas: {rules: {namespace: 'team/**'}}                       | quotas.rules must be a list of rules
            quotas: {rules: [{namespace: 'team/**'}]}                     | quotas.rules[0] limits nothing: give at least one of bytes, manifests, tags, repositories
            quotas: {rules: [{namespace: 'team/**', bytes: 10 parsecs}]}  | quotas.rules[0].bytes '10 parsecs' has an unknown unit 'parsecs'
            quotas: {rules: [{namespace: 'team/**', eachRepository: a, bytes: 1}]} | quotas.rules[0] needs exactly one of 'namespace'
            quotas: {rules: [{namespace: 'Team', bytes: 1}]}              | quotas.rules[0].namespace invalid repository glob 'Team'
            quotas: {rules: [{namespace: a, tags: -1}]}                   | quotas.rules[0].tags must be a whole number, 0 or more
            quotas: {refusalCode: FORBIDDEN}                              | quotas.refusalCode must be DENIED or QUOTA_EXCEEDED, was 'FORBIDDEN'
            contentPolicy: {type: {allow: [x]}}                           | contentPolicy must be a list of entries
            contentPolicy: [{namespace: 'a/**'}]                          | contentPolicy[0] has no rules
            contentPolicy: [{kind: {allow: [x]}}]                         | contentPolicy[0].kind is not a key this version knows
            contentPolicy: [{type: {permit: [x]}}]                        | contentPolicy[0].type.permit is not a key this version knows; expected one of [allow, deny]
            contentPolicy: [{type: {deny: 'x'}}]                          | contentPolicy[0].type.deny must be a non-empty list of media type globs
            rateLimits: [a]                                               | rateLimits must be a mapping of keys to values
            rateLimits: {requests: 10/s}                                  | rateLimits.requests is not a key this version knows; expected one of [reads, uploadBytes, writes]
            rateLimits: {reads: 100}                                      | rateLimits.reads must be a rate such as 100/s, 6000/m or 50MiB/s (AMOUNT/UNIT, UNIT s, m or h), or a mapping {rate: 100/s, burst: 300}
            rateLimits: {reads: 100/d}                                    | rateLimits.reads is not a rate: a rate is written AMOUNT/UNIT with UNIT s, m or h (100/s, 6000/m, 50MiB/s), was '100/d'
            rateLimits: {writes: {burst: 5}}                              | rateLimits.writes.rate is required
            rateLimits: {writes: {rate: 0/s}}                             | rateLimits.writes.rate is not a rate: an amount must be at least 1, was '0/s'
            rateLimits: {writes: {rate: 5/s, burst: 0}}                   | rateLimits.writes.burst is not a burst: a burst must be at least 1, was 0
            rateLimits: {writes: {rate: 5/s, burst: 2.5}}                 | rateLimits.writes.burst must be a whole number, optionally with a size suffix (300, 200MiB)
            rateLimits: {uploadBytes: {rate: 1MiB/s, burst: lots}}        | rateLimits.uploadBytes.burst is not a burst: an amount is a whole number, optionally with a size suffix (200, 64MiB), was 'lots'
            rateLimits: {uploadBytes: {rate: 1MiB/s, size: 1}}            | rateLimits.uploadBytes.size is not a key this version knows; expected one of [burst, rate]
            events: {webhooks: [{url: 'ftp://x'}]}                        | events.webhooks[0].url webhook URL 'ftp://x' must be an absolute http or https URL
            events: {webhooks: [{url: 'http://x', format: xml}]}          | events.webhooks[0].format must be cloudevents or distribution, was 'xml'
            events: {webhooks: [{url: 'http://x', types: [PUSHED]}]}      | events.webhooks[0].types[0] is not an event kind
            events: {webhooks: [{url: 'http://x', secretFile: none.txt}]} | events.webhooks[0].secretFile cannot read
            events: {retention: forever}                                  | events.retention must be an ISO-8601 duration above zero
            mirror: [a]                                                   | mirror must be a mapping of keys to values
            mirror: {upstream: []}                                        | mirror.upstream is not a key this version knows; expected one of [defaultUpstream, upstreams]
            mirror: {upstreams: {host: a}}                                | mirror.upstreams must be a list of upstreams
            mirror: {upstreams: [{host: a.example}]}                      | mirror.upstreams[0].url is required
            mirror: {upstreams: [{url: 'http://x'}]}                      | mirror.upstreams[0].host is required
            mirror: {upstreams: [{host: a.example, url: 'ftp://x'}]}      | mirror.upstreams[0] upstream URL 'ftp://x' for a.example must be an absolute http or https URL
            mirror: {upstreams: [{host: 'a b', url: 'http://x'}]}         | mirror.upstreams[0] upstream host 'a b' is not a host name
            mirror: {upstreams: [{host: a.example, url: 'http://x', port: 1}]} | mirror.upstreams[0].port is not a key this version knows
            mirror: {upstreams: [{host: a.example, url: 'http://x', tagRecheck: soon}]} | mirror.upstreams[0].tagRecheck must be an ISO-8601 duration such as PT30S, PT5M or P30D, was 'soon'
            mirror: {upstreams: [{host: a.example, url: 'http://x', retention: PT0S}]} | mirror.upstreams[0].retention must be an ISO-8601 duration above zero
            mirror: {upstreams: [{host: a.example, url: 'http://x', allow: 'library/*'}]} | mirror.upstreams[0].allow must be a non-empty list of repository globs
            mirror: {upstreams: [{host: a.example, url: 'http://x', allow: [Library]}]} | mirror.upstreams[0].allow[0] invalid repository glob 'Library'
            mirror: {upstreams: [{host: a.example, url: 'http://x', libraryPrefix: yes please}]} | mirror.upstreams[0].libraryPrefix must be true or false
            mirror: {upstreams: [{host: a.example, url: 'http://x', credentialsFile: none.txt}]} | mirror.upstreams[0].credentialsFile cannot read upstream credentials file
            mirror: {upstreams: [{host: a.example, url: 'http://x', caFile: none.pem}]} | mirror.upstreams[0].caFile
            mirror: {defaultUpstream: b.example, upstreams: [{host: a.example, url: 'http://x'}]} | mirror.defaultUpstream names b.example, which is not one of the upstreams' hosts here
            mirror: {upstreams: [], upstreams: []}                        | Duplicate field 'upstreams'
            'mirror: [unclosed'                                           | wharf.yaml
            """)
    void shouldNameTheFileAndTheEntryWhenAnEntryIsWrong(String yaml, String message) throws Exception {
        Path file = write(yaml.startsWith("'") ? yaml.substring(1, yaml.length() - 1) : yaml);
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherConfigFile.read(file))
                .withMessageStartingWith(file + ": ").withMessageContaining(message);
    }

    @Test
    void shouldReadTheQuotasAndTheContentPolicy() throws Exception {
        LauncherConfigFile file = LauncherConfigFile.read(write("""
                quotas:
                  refusalCode: QUOTA_EXCEEDED
                  rules:
                    - namespace: "team/**"
                      bytes: 10GiB
                      manifests: 500
                    - eachRepository: "team/**"
                      bytes: 1048576
                      tags: 20
                contentPolicy:
                  - type: {allow: ["application/vnd.oci.image.*"]}
                  - namespace: "team/**"
                    artifactType: {deny: ["application/vnd.cncf.helm.*"]}
                    layerMediaType: {allow: ["application/vnd.oci.*"], deny: ["*foreign*"]}
                """));
        GuardRails rails = file.guardRails();
        assertThat(rails.refusalCode()).contains(dev.wharf.api.ErrorCode.QUOTA_EXCEEDED);
        assertThat(rails.quotas()).containsExactly(
                dev.wharf.api.QuotaRule.namespace("team/**", dev.wharf.api.QuotaLimits.NONE.withBytes(10L << 30)
                        .withManifests(500)),
                dev.wharf.api.QuotaRule.eachRepository("team/**", dev.wharf.api.QuotaLimits.NONE.withBytes(1 << 20)
                        .withTags(20)));
        assertThat(rails.contentRules()).containsExactlyInAnyOrder(
                dev.wharf.api.ContentRule.allow("**", dev.wharf.api.ContentRule.Field.TYPE, "application/vnd.oci.image.*"),
                dev.wharf.api.ContentRule.deny("team/**", dev.wharf.api.ContentRule.Field.ARTIFACT_TYPE,
                        "application/vnd.cncf.helm.*"),
                dev.wharf.api.ContentRule.allow("team/**", dev.wharf.api.ContentRule.Field.LAYER_MEDIA_TYPE,
                        "application/vnd.oci.*"),
                dev.wharf.api.ContentRule.deny("team/**", dev.wharf.api.ContentRule.Field.LAYER_MEDIA_TYPE, "*foreign*"));
    }

    @Test
    void shouldReadTheWebhooksAndTheEventRetention() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "s3cret\n");
        LauncherConfigFile file = LauncherConfigFile.read(write("""
                events:
                  retention: P30D
                  webhooks:
                    - url: https://scanner.example/hook
                      name: scanner
                      secretFile: secret.txt
                      format: distribution
                      types: [manifest_pushed, TAG_UPDATED]
                      repositories: ["team/**"]
                      timeout: PT3S
                    - url: http://audit.example/
                """));
        assertThat(file.eventRetention()).hasValue(Duration.ofDays(30));
        dev.wharf.api.Webhook scanner = file.webhooks().get(0);
        assertThat(scanner.name()).isEqualTo("scanner");
        assertThat(scanner.secret()).hasValueSatisfying(k -> assertThat(new String(k, StandardCharsets.UTF_8))
                .isEqualTo("s3cret"));
        assertThat(scanner.format()).isEqualTo(dev.wharf.api.Webhook.Format.DISTRIBUTION);
        assertThat(scanner.types()).containsExactlyInAnyOrder(dev.wharf.api.RegistryEvent.Type.MANIFEST_PUSHED,
                dev.wharf.api.RegistryEvent.Type.TAG_UPDATED);
        assertThat(scanner.repositories()).hasSize(1);
        assertThat(scanner.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(file.webhooks().get(1).name()).isEqualTo("http://audit.example/");
        assertThat(file.webhooks().get(1).secret()).isEmpty();
        assertThat(file.upstreams()).isEmpty();
    }

    @Test
    void shouldReadTheRateLimitsWithTheirBursts() throws Exception {
        LauncherConfigFile file = LauncherConfigFile.read(write("""
                rateLimits:
                  reads: 100/s
                  writes: {rate: 20/m, burst: 40}
                  uploadBytes:
                    rate: 50MiB/s
                    burst: 200MiB
                """));

        assertThat(file.rateLimits()).isEqualTo(RateLimits.none().withReads(Rate.perSecond(100))
                .withWrites(Rate.perMinute(20).withBurst(40))
                .withUploadBytes(Rate.perSecond(50L << 20).withBurst(200L << 20)));
        assertThat(LauncherConfigFile.read(write("rateLimits: {uploadBytes: 1KiB/h}")).rateLimits())
                .isEqualTo(RateLimits.none().withUploadBytes(Rate.of(1024, Duration.ofHours(1))));
        assertThat(LauncherConfigFile.read(write("rateLimits:\n")).rateLimits()).isEqualTo(RateLimits.none());
        assertThat(LauncherConfigFile.EMPTY.rateLimits().isUnlimited()).isTrue();
    }

    @Test
    void shouldAddTheRateLimitFlagToTheFilesByteBudgetAndRefuseItBesideTheFilesRequests() throws Exception {
        Path bytes = write("rateLimits: {uploadBytes: 10MiB/s}");
        assertThat(LauncherOptions.parse("--config", bytes.toString(), "--rate-limit", "5/s").registryOptions()
                .rateLimits()).isEqualTo(RateLimits.none().withRequests(Rate.perSecond(5))
                .withUploadBytes(Rate.perSecond(10L << 20)));

        Path reads = write("rateLimits: {reads: 100/s}");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--config", reads.toString(),
                "--rate-limit", "5/s").registryOptions())
                .withMessage("--rate-limit and rateLimits.reads in " + reads + " both limit reads; give one of them");
        assertThat(LauncherOptions.parse("--config", reads.toString()).registryOptions().rateLimits())
                .isEqualTo(RateLimits.none().withReads(Rate.perSecond(100)));
    }

    @Test
    void shouldSayWhenTheFileIsMissing() {
        Path missing = dir.resolve("missing.yaml");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherConfigFile.read(missing))
                .withMessage("cannot read configuration file " + missing + ": it does not exist");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--config", missing.toString())
                .registryOptions()).withMessageContaining(missing.toString());
    }

    @Test
    void shouldRefuseAnUpstreamConfiguredByAFlagAndTheFile() throws Exception {
        Path file = write("mirror: {defaultUpstream: a.example, upstreams: [{host: a.example, url: 'http://x'}]}");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--config", file.toString(),
                "--upstream", "a.example=http://y").registryOptions())
                .withMessage("upstream a.example is configured twice: by --upstream and in " + file);
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--config", file.toString(),
                "--upstream", "b.example=http://y", "--default-upstream", "b.example").registryOptions())
                .withMessageContaining("the default upstream is given twice");
        // A flag's default may name the file's upstream; the file's own default must name one of its upstreams.
        LauncherOptions.parse("--config", write("mirror: {upstreams: [{host: a.example, url: 'http://x'}]}").toString(),
                "--default-upstream", "a.example").registryOptions();
        Path alone = write("mirror: {defaultUpstream: b.example}");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--config", alone.toString(),
                "--upstream", "b.example=http://y").registryOptions())
                .withMessageContaining("mirror.defaultUpstream names b.example");
    }

    @Test
    void shouldMirrorAnHttpsUpstreamTrustedThroughCaFile() throws Exception {
        try (TestRegistry upstream = TestRegistry.builder().tls().tokenAuth("m", "m-pass").start()) {
            byte[] blob = "over tls".getBytes(StandardCharsets.UTF_8);
            Digest digest = Digest.parse(Http.sha256Digest(blob));
            upstream.registry().pushBlob(Caller.anonymous(), RepositoryName.of("lib/app"), digest, UploadChunk.of(blob));
            upstream.writeCaCertificate(dir.resolve("ca.pem"));
            Files.writeString(dir.resolve("login.txt"), "m:m-pass\n");
            LauncherConfigFile file = LauncherConfigFile.read(write("""
                    mirror:
                      upstreams:
                        - host: secure.example
                          url: %s
                          caFile: ca.pem
                          credentialsFile: login.txt
                    """.formatted(upstream.baseUri())));
            try (TestRegistry mirror = TestRegistry.builder().engine(e -> file.upstreams().forEach(e::upstream)).start()) {
                HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        mirror.baseUri().resolve("/v2/lib/app/blobs/" + digest + "?ns=secure.example")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(blob);
            }
            // Without the CA the mirror does not trust the upstream, and says it could not reach it.
            LauncherConfigFile untrusting = LauncherConfigFile.read(write("""
                    mirror: {upstreams: [{host: secure.example, url: '%s', credentialsFile: login.txt}]}
                    """.formatted(upstream.baseUri())));
            try (TestRegistry mirror = TestRegistry.builder().engine(e -> untrusting.upstreams().forEach(e::upstream))
                    .start()) {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        mirror.baseUri().resolve("/v2/lib/app/blobs/" + digest + "?ns=secure.example")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(502);
                assertThat(r.body()).contains("UPSTREAM_UNAVAILABLE").contains("secure.example");
            }
        }
    }
}
