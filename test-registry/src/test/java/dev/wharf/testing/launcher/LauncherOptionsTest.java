package dev.wharf.testing.launcher;

import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.TestRegistryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.wharf.testing.Http;
import dev.wharf.testing.PemFixtures;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LauncherOptionsTest {

    @Test
    void shouldUseDocumentedDefaultsWhenNoOptionsAreGiven() {
        LauncherOptions options = LauncherOptions.parse();

        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.port()).isEqualTo(5000);
        assertThat(options.dataDirectory()).hasValue(Path.of("registry-data").toAbsolutePath());
        assertThat(options.uploadExpiry()).isEqualTo(Duration.ofHours(1));
        assertThat(options.backupTo()).isEmpty();
        assertThat(options.help()).isFalse();
    }

    @Test
    void shouldCarryTheClientLimitsIntoTheRegistryOptions() {
        TestRegistryOptions options = LauncherOptions.parse("--idle-timeout", "PT20S", "--min-data-rate=4096",
                "--max-uploads", "300", "--max-uploads-per-client=30", "--max-connections", "2000",
                "--max-header-bytes=32768", "--max-headers", "64").registryOptions();

        assertThat(options.transferLimits().idleTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.transferLimits().minimumDataRate()).isEqualTo(4096);
        assertThat(options.transferLimits().maxUploads()).isEqualTo(300);
        assertThat(options.transferLimits().maxUploadsPerCaller()).isEqualTo(30);
        assertThat(options.transferLimits().maxRequestHeaders()).isEqualTo(64);
        assertThat(options.maxConnections()).isEqualTo(2000);
        assertThat(options.maxRequestHeaderBytes()).isEqualTo(32768);
        assertThat(LauncherOptions.parse("--min-data-rate", "0").registryOptions().transferLimits().minimumDataRate())
                .as("0 turns the rate check off").isZero();
    }

    @Test
    void shouldKeepSmallBlobsInTheMetadataUpToTheGivenSize() {
        assertThat(LauncherOptions.parse().registryOptions().inlineBlobBytes()).as("documented default").isEqualTo(65536);
        assertThat(LauncherOptions.parse("--inline-blob-bytes", "0").registryOptions().inlineBlobBytes()).isZero();
        assertThat(LauncherOptions.parse("--inline-blob-bytes=1048576").registryOptions().inlineBlobBytes())
                .isEqualTo(1048576);
        assertThat(LauncherOptions.USAGE).contains("--inline-blob-bytes N");
    }

    @Test
    void shouldKeepTheDocumentedLimitsByDefault() {
        TestRegistryOptions options = LauncherOptions.parse().registryOptions();

        assertThat(options.transferLimits().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.transferLimits().minimumDataRate()).isEqualTo(1024);
        assertThat(options.transferLimits().maxUploads()).isEqualTo(1024);
        assertThat(options.transferLimits().maxUploadsPerCaller()).isEqualTo(512);
        assertThat(options.transferLimits().maxRequestHeaders()).isEqualTo(100);
        assertThat(options.maxConnections()).isEqualTo(4096);
        assertThat(options.maxRequestHeaderBytes()).isEqualTo(16384);
        assertThat(LauncherOptions.USAGE).contains("--idle-timeout", "--min-data-rate", "--max-uploads",
                "--max-uploads-per-client", "--max-connections", "--max-header-bytes", "--max-headers");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            2       | PT2S
            3600    | PT1H
            PT30M   | PT30M
            pt1h    | PT1H
            P1DT2H  | PT26H
            """)
    void shouldReadUploadExpiryAsIsoDurationOrSecondsWhenGiven(String value, String expected) {
        assertThat(LauncherOptions.parse("--upload-expiry", value).uploadExpiry()).isEqualTo(Duration.parse(expected));
        assertThat(LauncherOptions.parse("--upload-expiry=" + value).uploadExpiry()).isEqualTo(Duration.parse(expected));
    }

    @Test
    void shouldBackUpDefaultDataDirectoryWhenOnlyBackupTargetIsGiven() {
        LauncherOptions options = LauncherOptions.parse("--backup-to", "backups/../nightly");

        assertThat(options.backupTo()).hasValue(Path.of("nightly").toAbsolutePath());
        assertThat(options.dataDirectory()).hasValue(Path.of("registry-data").toAbsolutePath());
    }

    @Test
    void shouldAcceptSeparateAndInlineValues() {
        LauncherOptions options = LauncherOptions.parse("--port", "5001", "--host=0.0.0.0", "--data-dir=/srv/oci/../oci");

        assertThat(options.port()).isEqualTo(5001);
        assertThat(options.host()).isEqualTo("0.0.0.0");
        assertThat(options.dataDirectory()).hasValue(Path.of("/srv/oci"));
    }

    @Test
    void shouldKeepNothingOnDiskWhenInMemory() {
        assertThat(LauncherOptions.parse("--in-memory").dataDirectory()).isEmpty();
    }

    @Test
    void shouldAskForHelpWhenHelpIsGivenAnywhere() {
        assertThat(LauncherOptions.parse("--port", "1", "--help").help()).isTrue();
        assertThat(LauncherOptions.parse("-h").help()).isTrue();
    }

    @Test
    void shouldStartRegistryTheFlagsDescribeWhenTurnedIntoRegistryOptions() {
        TestRegistryOptions options = LauncherOptions.parse("--port", "0", "--host=localhost", "--in-memory",
                "--upload-expiry", "PT5M").registryOptions();

        assertThat(options.host()).isEqualTo("localhost");
        assertThat(options.port()).isZero();
        assertThat(options.dataDirectory()).isEmpty();
        try (TestRegistry registry = TestRegistry.start(options)) {
            assertThat(registry.registry().config().uploadExpiry()).isEqualTo(Duration.ofMinutes(5));
        }
    }

    @Test
    void shouldKeepRegistryInDataDirectoryWhenTurnedIntoRegistryOptions() {
        assertThat(LauncherOptions.parse("--data-dir=/srv/oci/../oci").registryOptions().dataDirectory())
                .hasValue(Path.of("/srv/oci"));
        assertThat(LauncherOptions.parse().registryOptions().dataDirectory())
                .hasValue(Path.of("registry-data").toAbsolutePath());
    }

    @Test
    void shouldServeHttpsWithTheFilesWhenBothTlsFlagsAreGiven(@TempDir Path dir) {
        PemFixtures.ServerFiles files = PemFixtures.serverFiles(dir);
        LauncherOptions options = LauncherOptions.parse("--in-memory", "--port=0", "--tls-cert", files.chain().toString(),
                "--tls-key=" + files.key());

        assertThat(options.tls()).hasValue(new LauncherOptions.TlsFiles(files.chain(), files.key()));
        assertThat(LauncherOptions.parse().tls()).as("plain HTTP by default").isEmpty();
        try (TestRegistry registry = TestRegistry.start(options.registryOptions())) {
            assertThat(registry.baseUri().getScheme()).isEqualTo("https");
            assertThat(Http.send(Http.client(registry.sslContext()),
                    HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build()).statusCode()).isEqualTo(200);
        }
        assertThat(LauncherOptions.USAGE).contains("--tls-cert FILE", "--tls-key FILE", "https://");
    }

    @Test
    void shouldNameTheTlsFileWhenItCannotServe(@TempDir Path dir) {
        PemFixtures.ServerFiles files = PemFixtures.serverFiles(dir);
        LauncherOptions swapped = LauncherOptions.parse("--tls-cert", files.key().toString(), "--tls-key", files.chain().toString());
        LauncherOptions missing = LauncherOptions.parse("--tls-cert", "nowhere.pem", "--tls-key", files.key().toString());

        assertThatIllegalArgumentException().isThrownBy(swapped::registryOptions)
                .withMessage("certificate chain file " + files.key() + " holds a private key; it should hold certificates "
                        + "only, the server's first, then the intermediates that issued it");
        assertThatIllegalArgumentException().isThrownBy(missing::registryOptions)
                .withMessage("certificate chain file " + Path.of("nowhere.pem").toAbsolutePath() + " does not exist");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --bogus                        | unknown option '--bogus'
            serve                          | unknown option 'serve'
            --port                         | --port needs a value
            --port --in-memory             | --port needs a value
            --port 70000                   | --port must be a number from 0 to 65535, was '70000'
            --port -1                      | --port must be a number from 0 to 65535, was '-1'
            --port=five                    | --port must be a number from 0 to 65535, was 'five'
            --host                         | --host needs a value
            --data-dir                     | --data-dir needs a value
            --in-memory --data-dir /tmp/x  | --in-memory and --data-dir exclude each other
            --in-memory=yes                | --in-memory takes no value
            --upload-expiry                | --upload-expiry needs a value
            --upload-expiry 0              | --upload-expiry must be a positive duration such as PT1H, PT30M or 3600 (seconds), was '0'
            --upload-expiry=-PT1H          | --upload-expiry must be a positive duration such as PT1H, PT30M or 3600 (seconds), was '-PT1H'
            --upload-expiry=1h             | --upload-expiry must be a positive duration such as PT1H, PT30M or 3600 (seconds), was '1h'
            --backup-to                    | --backup-to needs a value
            --backup-to /tmp/b --in-memory | --backup-to copies a data directory; --in-memory has none
            --idle-timeout 0               | --idle-timeout must be a positive duration such as PT1H, PT30M or 3600 (seconds), was '0'
            --min-data-rate -5             | --min-data-rate must be a whole number of at least 0, was '-5'
            --max-uploads 0                | --max-uploads must be a whole number of at least 1, was '0'
            --max-uploads 10 --max-uploads-per-client 20 | --max-uploads-per-client (20) cannot exceed --max-uploads (10)
            --max-connections many         | --max-connections must be a whole number of at least 1, was 'many'
            --max-header-bytes 100         | --max-header-bytes must be a whole number of at least 1024, was '100'
            --max-headers 5                | --max-headers must be a whole number of at least 10, was '5'
            --inline-blob-bytes            | --inline-blob-bytes needs a value
            --inline-blob-bytes -1         | --inline-blob-bytes must be a whole number of at least 0, was '-1'
            --inline-blob-bytes=1048577    | --inline-blob-bytes must be at most 1048576, was '1048577'
            --htpasswd                     | --htpasswd needs a value
            --token-auth                   | --token-auth needs --htpasswd FILE: without users nobody logs in
            --token-auth=yes               | --token-auth takes no value
            --anonymous-pull public/**     | --anonymous-pull needs --htpasswd FILE: without users nobody logs in
            --access a.yaml --token-auth   | --token-auth, --access need --htpasswd FILE: without users nobody logs in
            --htpasswd u --anonymous-pull Team/* | invalid repository glob 'Team/*': repository names are lowercase, so 'T' at position 1 never matches; write 't'
            --tls-cert                     | --tls-cert needs a value
            --tls-key --in-memory          | --tls-key needs a value
            --tls-cert=                    | --tls-cert needs a file
            --tls-cert /etc/chain.pem      | --tls-cert is given but --tls-key is missing: HTTPS needs the private key of the certificate too
            --tls-key=/etc/key.pem         | --tls-key is given but --tls-cert is missing: HTTPS needs the certificate chain of the key too
            --tls-cert c --tls-key k --backup-to /tmp/b | --backup-to does not serve; --tls-cert and --tls-key have no use with it
            --upstream                     | --upstream needs a value
            --upstream docker.io           | --upstream needs HOST=URL, such as docker.io=https://registry-1.docker.io; was 'docker.io'
            --upstream =http://x           | --upstream needs HOST=URL, such as docker.io=https://registry-1.docker.io; was '=http://x'
            --upstream a.example=ftp://x   | upstream URL 'ftp://x' for a.example must be an absolute http or https URL without query, such as https://registry-1.docker.io
            --upstream a_b=http://x        | upstream host 'a_b' is not a host name with an optional port (such as docker.io or localhost:5000)
            --upstream a.example=http://x --upstream a.example=http://y | --upstream names a.example twice
            --default-upstream docker.io   | --default-upstream docker.io needs an --upstream docker.io=URL
            --upstream a.example=http://x --upstream-credentials b.example=f | --upstream-credentials names b.example, which no --upstream HOST=URL configures
            --webhook                      | --webhook needs a value
            --webhook ftp://x/hook         | --webhook: webhook URL 'ftp://x/hook' must be an absolute http or https URL
            --upstream-tag-recheck soon    | --upstream-tag-recheck must be a positive duration such as PT1H, PT30M or 3600 (seconds), was 'soon'
            --quota team/**                | --quota takes GLOB=SIZE, such as --quota 'team/**=10GiB'; was 'team/**'
            --quota team/**=lots           | --quota team/**=lots: 'lots' is not a size: expected a number of bytes with an optional unit, such as 10MiB, 512KiB, 2GB or 1048576
            --quota Team=1MiB              | --quota Team=1MiB: invalid repository glob 'Team': repository names are lowercase, so 'T' at position 1 never matches; write 't'
            --deny-media-type              | --deny-media-type needs a value
            --rate-limit                   | --rate-limit needs a value
            --rate-limit 100               | --rate-limit must be requests per second per client such as 100/s (or per minute, 6000/m), was '100'
            --rate-limit=0/s               | --rate-limit must be requests per second per client such as 100/s (or per minute, 6000/m), was '0/s'
            --rate-limit 10/s --rate-limit 20/s | --rate-limit is given twice; give it once (the configuration file's rateLimits section sets each budget apart)
            --blobs                        | --blobs needs a value
            --blobs /srv/blobs             | --blobs takes s3://BUCKET/PREFIX, was '/srv/blobs' (blobs in the data directory need no flag)
            --blobs s3://B/x               | --blobs: 'B' is not an S3 bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit
            --blobs s3://bucket/a//b       | --blobs: 'a//b/' is not a usable key prefix: segments of letters, digits and !_.*'()- separated by single '/', none of them '.' or '..'
            --s3-endpoint http://x:9000    | --s3-endpoint needs --blobs s3://BUCKET/PREFIX
            --s3-path-style --s3-region eu-west-1 | --s3-region, --s3-path-style need --blobs s3://BUCKET/PREFIX
            --blobs s3://bucket --s3-endpoint minio:9000 | --s3-endpoint must be an http or https URL such as http://127.0.0.1:9000, was 'minio:9000'
            --blobs s3://bucket --s3-path-style=yes | --s3-path-style takes no value
            --blobs s3://bucket --s3-redirects P8D | --s3-redirects: a presigned URL lives more than 0 and at most 7 days, not PT192H
            --blobs s3://bucket --in-memory | --blobs s3://… keeps blobs beyond the process; with --in-memory the metadata that names them would not be: give a --data-dir
            --blobs s3://bucket --backup-to /tmp/b | --backup-to copies a data directory's blobs; with --blobs s3://… back up the bucket with the object store's own tools (versioning, replication)
            --metadata                     | --metadata needs a value
            --metadata jdbc:mysql://db/w?password=secret | --metadata takes a PostgreSQL JDBC URL such as jdbc:postgresql://db:5432/wharf?user=wharf&password=secret, was 'jdbc:mysql://db/w?password=***'
            --metadata jdbc:postgresql://db/w --in-memory | --metadata keeps metadata in PostgreSQL; --in-memory keeps it on the heap: give one of them
            --metadata jdbc:postgresql://db/w --backup-to /tmp/b | --backup-to copies a data directory's metadata; with --metadata back up the database with PostgreSQL's own tools (pg_dump, base backups)
            """)
    void shouldRefuseWithMessageWhenCommandLineIsWrong(String commandLine, String message) {
        String[] args = commandLine.trim().split(" +");

        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse(args)).withMessage(message);
    }

    @Test
    void shouldCarryTheLoginFlagsTogether() {
        LauncherOptions options = LauncherOptions.parse("--htpasswd", "users", "--token-auth", "--anonymous-pull",
                "public/**", "--anonymous-pull=base/*", "--access=access.yaml");

        assertThat(options.login().htpasswd()).hasValue(Path.of("users").toAbsolutePath());
        assertThat(options.login().tokenAuth()).isTrue();
        assertThat(options.login().anonymousPull()).containsExactly("public/**", "base/*");
        assertThat(options.login().access()).hasValue(Path.of("access.yaml").toAbsolutePath());
        assertThat(LauncherOptions.parse().login()).isEqualTo(LoginFlags.NONE);
    }

    @Test
    void shouldNameTheFileWhenALoginFileCannotBeRead(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.htpasswd");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--htpasswd", missing.toString())
                .registryOptions()).withMessageContaining(missing.toString());
        Path users = java.nio.file.Files.writeString(dir.resolve("users"), "alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--htpasswd", users.toString())
                .registryOptions()).withMessageContaining("line 1").withMessageContaining("not bcrypt");
    }

    @Test
    void shouldCarryTheBlobFlagsTogether() {
        LauncherOptions options = LauncherOptions.parse("--blobs", "s3://bucket/reg", "--s3-endpoint=http://127.0.0.1:9000",
                "--s3-region", "eu-west-1", "--s3-path-style", "--s3-redirects", "PT15M");

        assertThat(options.blobs()).isEqualTo(new BlobFlags(java.util.Optional.of("s3://bucket/reg"),
                java.util.Optional.of(java.net.URI.create("http://127.0.0.1:9000")), java.util.Optional.of("eu-west-1"),
                true, java.util.Optional.of(Duration.ofMinutes(15))));
        assertThat(options.dataDirectory()).as("metadata stays in the data directory").isPresent();
        assertThat(LauncherOptions.parse().blobs()).isEqualTo(BlobFlags.NONE);
        assertThat(LauncherOptions.parse("--metadata", "jdbc:postgresql://db:5432/wharf?user=w").metadata())
                .hasValue("jdbc:postgresql://db:5432/wharf?user=w");
        assertThat(LauncherOptions.parse().metadata()).isEmpty();
        assertThat(LauncherOptions.USAGE).contains("--blobs s3://BUCKET/PREFIX", "--s3-endpoint URL", "--s3-region R",
                "--s3-path-style", "--s3-redirects D", "--metadata jdbc:postgresql://");
    }

    @Test
    void shouldListTheMirrorEventAndConfigurationFlagsInTheUsage() {
        assertThat(LauncherOptions.USAGE).contains("--upstream HOST=URL", "--default-upstream HOST",
                "--upstream-credentials HOST=FILE", "--upstream-tag-recheck D", "--config FILE", "--webhook URL",
                "--webhook-secret FILE", "--rate-limit N/s");
    }

    @Test
    void shouldHoldReadsAndWritesToTheRateLimitEachWhenGiven() {
        assertThat(LauncherOptions.parse().rateLimit()).isEmpty();
        assertThat(LauncherOptions.parse().registryOptions().rateLimits().isUnlimited()).isTrue();

        LauncherOptions options = LauncherOptions.parse("--rate-limit", "100/s");
        assertThat(options.rateLimit()).contains(dev.wharf.servlet.limit.Rate.perSecond(100));
        assertThat(options.registryOptions().rateLimits()).isEqualTo(dev.wharf.servlet.limit.RateLimits.none()
                .withReads(dev.wharf.servlet.limit.Rate.perSecond(100))
                .withWrites(dev.wharf.servlet.limit.Rate.perSecond(100)));
        assertThat(LauncherOptions.parse("--rate-limit=6000/m").rateLimit())
                .contains(dev.wharf.servlet.limit.Rate.perMinute(6000));
    }

    @Test
    void shouldCarryTheQuotaAndMediaTypeFlagsIntoTheEngine() {
        LauncherOptions options = LauncherOptions.parse("--quota", "team/**=10MiB", "--quota=ci/*=1.5GiB",
                "--allow-media-type", "application/vnd.oci.image.*", "--deny-media-type=application/vnd.cncf.helm.*");
        assertThat(options.guardRails().quotas()).containsExactly(
                dev.wharf.api.QuotaRule.namespace("team/**", dev.wharf.api.QuotaLimits.NONE.withBytes(10L << 20)),
                dev.wharf.api.QuotaRule.namespace("ci/*", dev.wharf.api.QuotaLimits.NONE.withBytes(3L << 29)));
        assertThat(options.guardRails().contentRules()).containsExactly(
                dev.wharf.api.ContentRule.allow("**", dev.wharf.api.ContentRule.Field.TYPE, "application/vnd.oci.image.*"),
                dev.wharf.api.ContentRule.deny("**", dev.wharf.api.ContentRule.Field.TYPE, "application/vnd.cncf.helm.*"));
        assertThat(LauncherOptions.USAGE).contains("--quota GLOB=SIZE", "--allow-media-type GLOB",
                "--deny-media-type GLOB");
        dev.wharf.api.RegistryBuilder engine = dev.wharf.api.Registry.builder();
        options.guardRails().applyTo(engine);
        assertThat(engine.config().quotaPolicy()).isPresent();
        assertThat(engine.config().contentRules()).hasSize(2);
    }

    @Test
    void shouldCarryTheWebhookFlagsIntoTheEngine(@TempDir Path dir) throws Exception {
        Path secret = java.nio.file.Files.writeString(dir.resolve("secret.txt"), "k3y\n");
        LauncherOptions options = LauncherOptions.parse("--webhook", "http://127.0.0.1:9/a",
                "--webhook=https://hooks.example/b", "--webhook-secret", secret.toString());
        assertThat(options.webhooks()).extracting(java.net.URI::toString)
                .containsExactly("http://127.0.0.1:9/a", "https://hooks.example/b");
        assertThat(options.webhookSecret()).hasValue(secret.toAbsolutePath());
        assertThat(options.registryOptions()).isNotNull();
        Path empty = java.nio.file.Files.writeString(dir.resolve("empty.txt"), "\n");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--webhook", "http://h/",
                "--webhook-secret", empty.toString()).registryOptions()).withMessageContaining("is empty");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--webhook", "http://h/",
                "--webhook", "http://h/").registryOptions()).withMessageContaining("same name");
        assertThat(options.flagWebhooks()).extracting(dev.wharf.api.Webhook::batch).containsOnly(1);
    }

    @Test
    void shouldBatchTheWebhooksWhenAskedAndRefuseABatchWithoutOne(@TempDir Path dir) throws Exception {
        Path secret = java.nio.file.Files.writeString(dir.resolve("secret.txt"), "k3y\n");
        LauncherOptions options = LauncherOptions.parse("--webhook", "http://127.0.0.1:9/a", "--webhook-batch", "100",
                "--webhook=http://127.0.0.1:9/b", "--webhook-secret", secret.toString());
        assertThat(options.webhookBatch()).isEqualTo(100);
        assertThat(options.flagWebhooks()).extracting(dev.wharf.api.Webhook::batch).containsExactly(100, 100);
        assertThat(options.flagWebhooks()).allSatisfy(hook -> assertThat(hook.secret()).isPresent());
        assertThat(options.registryOptions()).isNotNull();
        assertThat(LauncherOptions.parse("--webhook", "http://h/", "--webhook-batch=1000").webhookBatch())
                .isEqualTo(1000);
        assertThat(LauncherOptions.USAGE).contains("--webhook-batch N");

        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--webhook", "http://h/",
                "--webhook-batch", "1001")).withMessage("--webhook-batch must be 1 to 1000, was '1001'");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--webhook", "http://h/",
                "--webhook-batch", "0")).withMessageContaining("--webhook-batch must be a whole number of at least 1");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--webhook-batch", "10"))
                .withMessageContaining("none was given");
    }

    @Test
    void shouldCarryTheMirrorFlagsIntoTheEngine(@TempDir Path dir) throws Exception {
        Path login = java.nio.file.Files.writeString(dir.resolve("hub.txt"), "me:pa:ss\n");
        LauncherOptions options = LauncherOptions.parse("--upstream", "docker.io=https://registry-1.docker.io",
                "--upstream=Ghcr.io=https://ghcr.io/", "--default-upstream", "docker.io",
                "--upstream-credentials", "docker.io=" + login, "--upstream-tag-recheck", "PT5M");

        assertThat(options.mirror().upstreams()).containsOnlyKeys("docker.io", "ghcr.io");
        assertThat(options.mirror().defaultHost()).hasValue("docker.io");
        dev.wharf.api.RegistryBuilder engine = dev.wharf.api.Registry.builder();
        options.mirror().applyTo(engine);
        java.util.List<dev.wharf.api.Upstream> upstreams = engine.config().upstreams();
        assertThat(upstreams).extracting(dev.wharf.api.Upstream::host).containsExactly("docker.io", "ghcr.io");
        assertThat(upstreams.get(0).libraryPrefix()).as("docker.io names library/ images").isTrue();
        assertThat(upstreams.get(1).libraryPrefix()).isFalse();
        assertThat(upstreams.get(0).username()).hasValue("me");
        assertThat(upstreams.get(0).password()).hasValue("pa:ss");
        assertThat(upstreams.get(1).username()).isEmpty();
        assertThat(upstreams.get(0).tagRecheck()).isEqualTo(Duration.ofMinutes(5));
        assertThat(engine.config().defaultUpstream()).hasValue("docker.io");
        assertThat(LauncherOptions.parse().mirror()).isEqualTo(UpstreamFlags.NONE);

        Path missing = dir.resolve("missing.txt");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--upstream", "a.example=http://x",
                "--upstream-credentials", "a.example=" + missing).registryOptions())
                .withMessageContaining(missing.toString()).withMessageContaining("does not exist");
        Path noColon = java.nio.file.Files.writeString(dir.resolve("bad.txt"), "just-a-token\n");
        assertThatIllegalArgumentException().isThrownBy(() -> LauncherOptions.parse("--upstream", "a.example=http://x",
                "--upstream-credentials", "a.example=" + noColon).registryOptions())
                .withMessageContaining("user:password");
    }
}
