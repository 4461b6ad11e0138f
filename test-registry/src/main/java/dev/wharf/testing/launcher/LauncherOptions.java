package dev.wharf.testing.launcher;

import dev.wharf.rocksdb.InlineBlobStore;
import dev.wharf.testing.TestRegistry;
import dev.wharf.servlet.TransferLimits;
import dev.wharf.servlet.limit.Budget;
import dev.wharf.servlet.limit.Rate;
import dev.wharf.servlet.limit.RateLimits;
import dev.wharf.testing.TestRegistryOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The launcher's command line, parsed and validated.
 *
 * @param host          address to bind
 * @param port          TCP port, 0 for a free one
 * @param dataDirectory where metadata and blobs are kept; empty for {@code --in-memory}
 * @param uploadExpiry  how long an upload session may stay idle
 * @param backupTo      when present, back up the (stopped) data directory there and exit instead of serving
 * @param help          {@code --help} was given: print {@link #USAGE} and exit
 * @param limits        connection, header and transfer limits (the flags below {@code --backup-to} in the usage)
 * @param inlineBlobBytes blobs up to this size are kept in the metadata database ({@code --inline-blob-bytes})
 * @param tls           the PEM files to serve HTTPS with ({@code --tls-cert}, {@code --tls-key}); empty for HTTP
 * @param login         who must log in, and how ({@code --htpasswd}, {@code --token-auth}, {@code --anonymous-pull},
 *                      {@code --access})
 * @param mirror        the upstreams to mirror ({@code --upstream}, {@code --default-upstream},
 *                      {@code --upstream-credentials}, {@code --upstream-tag-recheck})
 * @param config        the configuration file ({@code --config}), read by {@link #registryOptions()}
 * @param webhooks      {@code --webhook URL}s, each sent every event as CloudEvents
 * @param webhookSecret {@code --webhook-secret FILE}: the key the {@code --webhook}s' requests are signed with
 * @param webhookBatch  {@code --webhook-batch N}: up to this many events per {@code --webhook} request (1: one
 *                      CloudEvent per request, structured mode; more: CloudEvents batched mode)
 * @param guardRails    {@code --quota}, {@code --allow-media-type} and {@code --deny-media-type}
 * @param rateLimit     {@code --rate-limit N/s}: the reads, and separately the writes, each client may make
 * @param blobs         {@code --blobs s3://BUCKET/PREFIX} and the {@code --s3-*} flags: blobs in object storage
 * @param metadata      {@code --metadata jdbc:postgresql://…}: metadata in PostgreSQL instead of the data directory
 */
record LauncherOptions(String host, int port, Optional<Path> dataDirectory, Duration uploadExpiry,
                       Optional<Path> backupTo, boolean help, ServerLimits limits, int inlineBlobBytes,
                       Optional<TlsFiles> tls, LoginFlags login, UpstreamFlags mirror, Optional<Path> config,
                       java.util.List<URI> webhooks, Optional<Path> webhookSecret, int webhookBatch,
                       GuardRails guardRails, Optional<Rate> rateLimit, BlobFlags blobs, Optional<String> metadata) {

    /**
     * The two files HTTPS is served with, as the flags name them; read only by {@link #registryOptions()}.
     *
     * @param certificateChain {@code --tls-cert}: the server's certificate, then its intermediates
     * @param privateKey       {@code --tls-key}: the first certificate's private key
     */
    record TlsFiles(Path certificateChain, Path privateKey) {
        TlsFiles {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }
    }

    /**
     * The launcher's limits on clients, as flags give them.
     *
     * @param transfers         slow bodies, upload caps, header count ({@link TransferLimits})
     * @param maxConnections    {@code --max-connections}
     * @param maxHeaderBytes    {@code --max-header-bytes}
     */
    record ServerLimits(TransferLimits transfers, int maxConnections, int maxHeaderBytes) {
        static final ServerLimits DEFAULTS = new ServerLimits(TransferLimits.defaults(),
                TestRegistryOptions.DEFAULT_MAX_CONNECTIONS, TestRegistryOptions.DEFAULT_MAX_REQUEST_HEADER_BYTES);
    }

    static final int DEFAULT_PORT = 5000;
    static final Path DEFAULT_DATA_DIRECTORY = Path.of("registry-data");
    static final Duration DEFAULT_UPLOAD_EXPIRY = Duration.ofHours(1);

    /** Flags that {@link #mayServe} looks for before parsing, as the parser names them. */
    private static final String HELP = "--help";
    private static final String HELP_SHORT = "-h";
    private static final String BACKUP_TO = "--backup-to";

    static final String USAGE = """
            Usage: java -jar wharf-registry.jar [options]

            Runs a Wharf OCI Distribution registry on this machine; without --htpasswd, anyone who
            can reach it may push, pull and delete.

            Options:
              --port N             TCP port to listen on (default 5000; 0 picks a free port)
              --host H             address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
              --data-dir DIR       keep the registry in DIR (default ./registry-data): metadata in
                                   DIR/metadata (RocksDB), blobs in DIR/blobs, uploads in DIR/staging
              --in-memory          keep nothing once stopped: metadata and blobs up to 64 KiB on the
                                   heap, larger blobs in nameless temporary files (java.io.tmpdir)
              --upload-expiry D    expire upload sessions idle for longer than D, given as ISO-8601
                                   (PT1H, PT30M) or in seconds (default PT1H)
              --inline-blob-bytes N
                                   keep blobs of up to N bytes in DIR/metadata instead of as files:
                                   a small push then shares one WAL sync (default 65536; 0 for none;
                                   at most 1048576)
              --backup-to BACKUP   do not serve: copy the stopped registry in DIR to the new directory
                                   BACKUP (a RocksDB checkpoint, then the blob files, hard-linked
                                   where the filesystem allows) and exit
              --tls-cert FILE      serve HTTPS with the certificate chain in FILE (PEM: the server's
                                   certificate first, then its intermediates); needs --tls-key
              --tls-key FILE       the private key of --tls-cert's first certificate (PEM, not
                                   encrypted: PKCS#8, PKCS#1 RSA or SEC1 EC; RSA or EC P-256/P-384)

            Logins (without --htpasswd there are none):
              --htpasswd FILE      require Basic credentials of the users in FILE (bcrypt hashes, as
                                   htpasswd -B writes: htpasswd -Bbn alice secret >> FILE)
              --token-auth         with --htpasswd: serve the registry token flow instead (tokens
                                   from this registry's own token service at /token), as docker,
                                   podman, skopeo and containerd log in to Docker Hub
              --anonymous-pull GLOB
                                   let callers without credentials pull, and list, the repositories
                                   GLOB matches (team/*, public/**); repeatable
              --access FILE        who may do what: users, groups, repository globs and actions, in
                                   YAML (docs/access-policy.md); if not given, every user in
                                   the htpasswd file may do everything

            Several nodes (docs/deployment.md):
              --metadata jdbc:postgresql://HOST:PORT/DB?user=U&password=P
                                   keep metadata in PostgreSQL instead of DIR/metadata (the schema
                                   is created and migrated at start); nodes sharing the database
                                   and --blobs serve as one registry
            Blobs in object storage (docs/deployment.md):
              --blobs s3://BUCKET/PREFIX
                                   keep blobs in an S3 bucket under PREFIX instead of DIR/blobs
                                   (metadata stays in DIR/metadata); credentials from the AWS
                                   environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or
                                   ~/.aws/credentials); the bucket must exist
              --s3-endpoint URL    an S3-compatible store's endpoint (MinIO, Ceph RGW), instead of AWS
              --s3-region R        the region to sign for (default AWS_REGION, else us-east-1)
              --s3-path-style      address buckets as URL/BUCKET/KEY, as most S3-compatible stores need
              --s3-redirects D     answer whole-blob GETs with 307 to a presigned URL valid for D
                                   (PT15M; clients then fetch from the store; default off)

            Configuration file:
              --config FILE        read more settings from FILE (YAML): the upstreams of a mirror,
                                   webhooks, quotas, the content policy and rate limits, with
                                   every setting each has (docs/configuration.md)

            Quotas and content policy (docs/quotas.md):
              --quota GLOB=SIZE    the repositories GLOB matches may store SIZE bytes together,
                                   each blob counted once ('team/**=10GiB'); beyond it pushes get
                                   403 DENIED with the numbers; repeatable
              --allow-media-type GLOB
                                   accept only manifests whose artifact type (or, without one,
                                   media type) matches one such GLOB ('application/vnd.oci.image.*');
                                   others get 415 UNSUPPORTED; repeatable
              --deny-media-type GLOB
                                   refuse manifests whose artifact type (or, without one, media
                                   type) matches GLOB with 415 UNSUPPORTED; repeatable

            Events (docs/events.md):
              --webhook URL        POST every event to URL as a CloudEvent, at least once, in order,
                                   retried while URL is down; repeatable
              --webhook-secret FILE
                                   sign --webhook requests with HMAC-SHA256 under the key on FILE's
                                   first line (header X-Wharf-Signature: sha256=HEX)
              --webhook-batch N    send up to N waiting events per --webhook request, as a JSON array
                                   (CloudEvents batched mode, application/cloudevents-batch+json;
                                   1 to 1000, default 1: one event per request)

            Pull-through mirror (mirrored repositories are read-only; docs/mirror.md):
              --upstream HOST=URL  mirror the registry at URL for source host HOST, as clients name
                                   it: pulls with ?ns=HOST, or of HOST/NAME, that miss here are
                                   fetched from URL and kept (docker.io=https://registry-1.docker.io);
                                   repeatable
              --default-upstream HOST
                                   pulls without ns of repositories that do not exist here go to
                                   HOST's upstream
              --upstream-credentials HOST=FILE
                                   log in to HOST's upstream as the user:password on FILE's first line
              --upstream-tag-recheck D
                                   serve a mirrored tag for D before asking the upstream where it
                                   points again (default PT1M)

            Limits on clients (bodies move without holding a thread; these keep slow or greedy
            clients from holding everything else):
              --idle-timeout D     cut a blob body (upload or download) that moves no byte for D
                                   (default PT60S)
              --min-data-rate N    cut a blob body slower than N bytes/s on average over 30 s
                                   (default 1024; 0 turns the check off)
              --max-uploads N      upload bodies received at once, in total (default 1024)
              --max-uploads-per-client N
                                   upload bodies at once per user, or per address for anonymous
                                   clients (default 512); beyond either cap: 429 with Retry-After
              --max-connections N  connections held open at once (default 4096); more wait to be
                                   accepted. Raise the file-descriptor limit (ulimit -n) above it
              --max-header-bytes N largest request line plus headers, in bytes (default 16384; 431)
              --max-headers N      most header fields in one request (default 100; 431)
              --rate-limit N/s     let each client (a user, or an anonymous client's address) make N
                                   reads and, separately, N writes a second, N at once after a
                                   pause; beyond it 429 with Retry-After (also N/m, N/h; default
                                   none; docs/rate-limits.md)
              --help               print this help and exit

            Whatever the registry acknowledged (201, or 202 for an upload chunk) survives a restart,
            a crash or a kill -9 when it runs on a data directory.

            Prints one line when ready (https:// with --tls-cert):
              Wharf registry listening on http://HOST:PORT (data: DIR|in-memory)
            Stops cleanly on SIGTERM or Ctrl+C.
            """;


    LauncherOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(uploadExpiry, "uploadExpiry");
        Objects.requireNonNull(backupTo, "backupTo");
        Objects.requireNonNull(tls, "tls");
    }

    /**
     * Whether {@code args} look like a start of the server rather than {@code --help} or {@code --backup-to}: a guess
     * made before they are parsed (the launcher warms up only for a start); {@link #parse} decides.
     */
    static boolean mayServe(String[] args) {
        for (String arg : args) {
            if (arg.equals(HELP) || arg.equals(HELP_SHORT) || arg.startsWith(BACKUP_TO)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code --name value} and {@code --name=value} forms.
     *
     * @throws IllegalArgumentException with a message for the user when the command line is wrong
     */
    static LauncherOptions parse(String... args) {
        String host = TestRegistryOptions.DEFAULT_HOST;
        int port = DEFAULT_PORT;
        Path dataDirectory = null;
        Duration uploadExpiry = DEFAULT_UPLOAD_EXPIRY;
        Path backupTo = null;
        boolean inMemory = false;
        boolean help = false;
        TransferLimits transfers = TransferLimits.defaults();
        int maxUploads = transfers.maxUploads();
        int maxUploadsPerClient = transfers.maxUploadsPerCaller();
        int maxConnections = ServerLimits.DEFAULTS.maxConnections();
        int inlineBlobBytes = InlineBlobStore.DEFAULT_MAX_INLINE_BYTES;
        int maxHeaderBytes = ServerLimits.DEFAULTS.maxHeaderBytes();
        Path htpasswd = null;
        boolean tokenAuth = false;
        java.util.List<String> anonymousPull = new java.util.ArrayList<>();
        Path access = null;
        Path tlsCert = null;
        Path tlsKey = null;
        Map<String, URI> upstreams = new LinkedHashMap<>();
        Map<String, Path> upstreamCredentials = new LinkedHashMap<>();
        String defaultUpstream = null;
        Path config = null;
        java.util.List<URI> webhooks = new java.util.ArrayList<>();
        Path webhookSecret = null;
        int webhookBatch = 1;
        Duration tagRecheck = dev.wharf.api.Upstream.DEFAULT_TAG_RECHECK;
        java.util.List<dev.wharf.api.QuotaRule> quotas = new java.util.ArrayList<>();
        java.util.List<dev.wharf.api.ContentRule> contentRules = new java.util.ArrayList<>();
        Rate rateLimit = null;
        String blobs = null;
        String metadata = null;
        URI s3Endpoint = null;
        String s3Region = null;
        boolean s3PathStyle = false;
        Duration s3Redirects = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inlineValue = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                inlineValue = arg.substring(equals + 1);
            }
            switch (name) {
                case HELP, HELP_SHORT -> help = true;
                case "--in-memory" -> inMemory = true;
                case "--port" -> {
                    String value = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                    port = parsePort(value);
                }
                case "--host" -> {
                    host = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                    if (host.isBlank()) {
                        throw new IllegalArgumentException("--host needs an address, e.g. 127.0.0.1");
                    }
                }
                case "--data-dir" -> {
                    String value = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                    if (value.isBlank()) {
                        throw new IllegalArgumentException("--data-dir needs a directory");
                    }
                    dataDirectory = Path.of(value);
                }
                case "--inline-blob-bytes" -> {
                    String value = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                    inlineBlobBytes = (int) parseCount(name, value, 0);
                    if (inlineBlobBytes > InlineBlobStore.MAX_INLINE_BYTES_LIMIT) {
                        throw new IllegalArgumentException(name + " must be at most " + InlineBlobStore.MAX_INLINE_BYTES_LIMIT
                                + ", was '" + value + "'");
                    }
                }
                case "--upload-expiry" -> {
                    String value = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                    uploadExpiry = parseDuration(name, value);
                }
                case BACKUP_TO -> {
                    String value = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                    if (value.isBlank()) {
                        throw new IllegalArgumentException("--backup-to needs a directory");
                    }
                    backupTo = Path.of(value);
                }
                case "--tls-cert" -> tlsCert = file(name, inlineValue != null ? inlineValue : valueAfter(args, i++, name));
                case "--tls-key" -> tlsKey = file(name, inlineValue != null ? inlineValue : valueAfter(args, i++, name));
                case "--idle-timeout" -> transfers = transfers.withIdleTimeout(parseDuration(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name)));
                case "--min-data-rate" -> transfers = transfers.withMinimumDataRate(parseCount(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name), 0), transfers.rateWindow());
                case "--max-uploads" -> maxUploads = (int) parseCount(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name), 1);
                case "--max-uploads-per-client" -> maxUploadsPerClient = (int) parseCount(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name), 1);
                case "--max-connections" -> maxConnections = (int) parseCount(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name), 1);
                case "--max-header-bytes" -> maxHeaderBytes = (int) parseCount(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name), 1024);
                case "--max-headers" -> transfers = transfers.withMaxRequestHeaders((int) parseCount(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name), 10));
                case "--htpasswd" -> htpasswd = file(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name));
                case "--token-auth" -> tokenAuth = true;
                case "--anonymous-pull" -> anonymousPull.add(
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name));
                case "--access" -> access = file(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name));
                case "--upstream" -> UpstreamFlags.put(name, inlineValue != null ? inlineValue
                        : valueAfter(args, i++, name), upstreams, LauncherOptions::url);
                case "--upstream-credentials" -> UpstreamFlags.put(name, inlineValue != null ? inlineValue
                        : valueAfter(args, i++, name), upstreamCredentials, value -> absolute(file("--upstream-credentials", value)));
                case "--default-upstream" -> defaultUpstream = (inlineValue != null ? inlineValue
                        : valueAfter(args, i++, name)).trim().toLowerCase(java.util.Locale.ROOT);
                case "--webhook" -> webhooks.add(webhookUrl(inlineValue != null ? inlineValue
                        : valueAfter(args, i++, name)));
                case "--webhook-secret" -> webhookSecret = file(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name));
                case "--webhook-batch" -> {
                    String value = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                    webhookBatch = (int) parseCount(name, value, 1);
                    if (webhookBatch > dev.wharf.api.Webhook.MAX_BATCH) {
                        throw new IllegalArgumentException(name + " must be 1 to " + dev.wharf.api.Webhook.MAX_BATCH
                                + ", was '" + value + "'");
                    }
                }
                case "--config" -> config = file(name, inlineValue != null ? inlineValue : valueAfter(args, i++, name));
                case "--upstream-tag-recheck" -> tagRecheck = parseDuration(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name));
                case "--quota" -> quotas.add(GuardRails.quotaFlag(
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name)));
                case "--allow-media-type", "--deny-media-type" -> contentRules.add(GuardRails.typeFlag(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name), name.startsWith("--allow")));
                case "--rate-limit" -> {
                    if (rateLimit != null) {
                        throw new IllegalArgumentException("--rate-limit is given twice; give it once (the "
                                + "configuration file's rateLimits section sets each budget apart)");
                    }
                    rateLimit = parseRate(name, inlineValue != null ? inlineValue : valueAfter(args, i++, name));
                }
                case "--blobs" -> blobs = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                case "--metadata" -> {
                    metadata = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                    if (!metadata.startsWith("jdbc:postgresql://")) {
                        throw new IllegalArgumentException("--metadata takes a PostgreSQL JDBC URL such as"
                                + " jdbc:postgresql://db:5432/wharf?user=wharf&password=secret, was '"
                                + metadata.replaceAll("(?i)(password=)[^&]*", "$1***") + "'");
                    }
                }
                case "--s3-endpoint" -> s3Endpoint = s3Endpoint(inlineValue != null ? inlineValue
                        : valueAfter(args, i++, name));
                case "--s3-region" -> {
                    s3Region = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                    if (s3Region.isBlank()) {
                        throw new IllegalArgumentException("--s3-region needs a region, e.g. us-east-1");
                    }
                }
                case "--s3-path-style" -> s3PathStyle = true;
                case "--s3-redirects" -> s3Redirects = parseDuration(name,
                        inlineValue != null ? inlineValue : valueAfter(args, i++, name));
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
            if (inlineValue != null && (name.equals(HELP) || name.equals("--in-memory")
                    || name.equals("--token-auth") || name.equals("--s3-path-style"))) {
                throw new IllegalArgumentException(name + " takes no value");
            }
        }
        if (inMemory && dataDirectory != null) {
            throw new IllegalArgumentException("--in-memory and --data-dir exclude each other");
        }
        if (inMemory && backupTo != null) {
            throw new IllegalArgumentException("--backup-to copies a data directory; --in-memory has none");
        }
        BlobFlags blobFlags = new BlobFlags(Optional.ofNullable(blobs), Optional.ofNullable(s3Endpoint),
                Optional.ofNullable(s3Region), s3PathStyle, Optional.ofNullable(s3Redirects)).validated();
        if (blobFlags.inS3() && inMemory) {
            throw new IllegalArgumentException("--blobs s3://… keeps blobs beyond the process; with --in-memory"
                    + " the metadata that names them would not be: give a --data-dir");
        }
        if (metadata != null && inMemory) {
            throw new IllegalArgumentException("--metadata keeps metadata in PostgreSQL; --in-memory keeps it on the"
                    + " heap: give one of them");
        }
        if (metadata != null && backupTo != null) {
            throw new IllegalArgumentException("--backup-to copies a data directory's metadata; with --metadata back"
                    + " up the database with PostgreSQL's own tools (pg_dump, base backups)");
        }
        if (blobFlags.inS3() && backupTo != null) {
            throw new IllegalArgumentException("--backup-to copies a data directory's blobs; with --blobs s3://…"
                    + " back up the bucket with the object store's own tools (versioning, replication)");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException(tlsCert != null
                    ? "--tls-cert is given but --tls-key is missing: HTTPS needs the private key of the certificate too"
                    : "--tls-key is given but --tls-cert is missing: HTTPS needs the certificate chain of the key too");
        }
        if (tlsCert != null && backupTo != null) {
            throw new IllegalArgumentException("--backup-to does not serve; --tls-cert and --tls-key have no use with it");
        }
        Optional<TlsFiles> tls = tlsCert == null ? Optional.empty()
                : Optional.of(new TlsFiles(absolute(tlsCert), absolute(tlsKey)));
        Optional<Path> data = inMemory ? Optional.empty()
                : Optional.of(dataDirectory != null ? dataDirectory : DEFAULT_DATA_DIRECTORY);
        if (maxUploadsPerClient > maxUploads) {
            throw new IllegalArgumentException("--max-uploads-per-client (" + maxUploadsPerClient
                    + ") cannot exceed --max-uploads (" + maxUploads + ")");
        }
        transfers = transfers.withMaxUploads(maxUploads, maxUploadsPerClient);
        if (webhookBatch != 1 && webhooks.isEmpty()) {
            throw new IllegalArgumentException("--webhook-batch applies to --webhook URLs, and none was given");
        }
        return new LauncherOptions(host, port, data.map(LauncherOptions::absolute), uploadExpiry,
                Optional.ofNullable(backupTo).map(LauncherOptions::absolute), help,
                new ServerLimits(transfers, maxConnections, maxHeaderBytes), inlineBlobBytes, tls,
                new LoginFlags(Optional.ofNullable(htpasswd).map(LauncherOptions::absolute), tokenAuth, anonymousPull,
                        Optional.ofNullable(access).map(LauncherOptions::absolute)).validated(),
                new UpstreamFlags(upstreams, Optional.ofNullable(defaultUpstream), upstreamCredentials, tagRecheck)
                        .validated(config != null),
                Optional.ofNullable(config).map(LauncherOptions::absolute), webhooks,
                Optional.ofNullable(webhookSecret).map(LauncherOptions::absolute), webhookBatch,
                new GuardRails(quotas, Optional.empty(), contentRules), Optional.ofNullable(rateLimit), blobFlags,
                Optional.ofNullable(metadata));
    }

    /**
     * The registry these flags describe, as {@link TestRegistry} takes it. Reads the TLS and login files.
     *
     * @throws IllegalArgumentException naming a TLS file that cannot serve, or an htpasswd or access file that is
     *                                  missing or wrong, and why
     */
    TestRegistryOptions registryOptions() {
        TestRegistryOptions options = TestRegistryOptions.defaults().withHost(host).withPort(port)
                .withEngine(engine -> engine.uploadExpiry(uploadExpiry))
                .withTransferLimits(limits.transfers()).withMaxConnections(limits.maxConnections())
                .withMaxRequestHeaderBytes(limits.maxHeaderBytes()).withInlineBlobBytes(inlineBlobBytes);
        if (tls.isPresent()) {
            options = options.withTls(tls.get().certificateChain(), tls.get().privateKey());
        }
        options = login.applyTo(options);
        mirror.checkFiles();
        LauncherConfigFile file = config.map(LauncherConfigFile::read).orElse(LauncherConfigFile.EMPTY);
        dev.wharf.api.RegistryBuilder check = dev.wharf.api.Registry.builder();
        mirror.applyTo(check, file, config); // refuses conflicts now, before anything starts
        check.config();
        options = options.withEngine(engine -> mirror.applyTo(engine, file, config));
        java.util.List<dev.wharf.api.Webhook> hooks = new java.util.ArrayList<>(file.webhooks());
        hooks.addAll(flagWebhooks());
        check.eventRetention(file.eventRetention().orElse(dev.wharf.api.RegistryBuilder.DEFAULT_EVENT_RETENTION));
        hooks.forEach(check::webhook);
        check.config(); // two webhooks of one name are refused now
        options = options.withEngine(engine -> {
            hooks.forEach(engine::webhook);
            file.eventRetention().ifPresent(engine::eventRetention);
        });
        GuardRails rails = file.guardRails().with(guardRails);
        options = options.withEngine(rails::applyTo);
        options = options.withRateLimits(rateLimits(file));
        options = blobs.applyTo(options);
        if (metadata.isPresent()) {
            String url = metadata.get();
            options = options.withEngine(engine -> engine.metadataStore(JdbcMetadata.open(url)));
        }
        return dataDirectory.map(options::withDataDirectory).orElse(options);
    }

    /**
     * The configuration file's budgets, with {@code --rate-limit} as the reads and the writes.
     *
     * @throws IllegalArgumentException when the flag and the file both set reads or writes
     */
    private RateLimits rateLimits(LauncherConfigFile file) {
        RateLimits limits = file.rateLimits();
        if (rateLimit.isEmpty()) {
            return limits;
        }
        for (Budget budget : new Budget[] {Budget.READS, Budget.WRITES}) {
            if (limits.rate(budget).isPresent()) {
                throw new IllegalArgumentException("--rate-limit and rateLimits." + budget.key() + " in "
                        + config.orElseThrow() + " both limit " + budget.key() + "; give one of them");
            }
        }
        return limits.withRequests(rateLimit.get());
    }

    /** {@code N/s} (or {@code N/m}, {@code N/h}) for flag {@code name}. */
    static Rate parseRate(String name, String value) {
        try {
            return Rate.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be requests per second per client such as 100/s "
                    + "(or per minute, 6000/m), was '" + value + "'");
        }
    }

    /** The {@code --webhook}s, signed with {@code --webhook-secret}'s key, batched as {@code --webhook-batch} asks. */
    java.util.List<dev.wharf.api.Webhook> flagWebhooks() {
        Optional<String> secret = webhookSecret.map(LauncherOptions::firstLine);
        java.util.List<dev.wharf.api.Webhook> hooks = new java.util.ArrayList<>(webhooks.size());
        for (URI url : webhooks) {
            dev.wharf.api.Webhook hook = dev.wharf.api.Webhook.to(url).withBatches(webhookBatch);
            hooks.add(secret.isPresent() ? hook.withSecret(secret.get()) : hook);
        }
        return hooks;
    }

    private static URI webhookUrl(String value) {
        try {
            return dev.wharf.api.Webhook.to(new URI(value)).url();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--webhook URL '" + value + "' is not a URL: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--webhook: " + e.getMessage());
        }
    }

    /** The first line of a secret's file, trimmed; refused when missing or empty. */
    private static String firstLine(Path file) {
        String line = SecretFile.firstLine(file, "webhook secret file");
        if (line.isEmpty()) {
            throw new IllegalArgumentException("webhook secret file " + file + " is empty; put the key on its "
                    + "first line");
        }
        return line;
    }

    private static URI s3Endpoint(String value) {
        try {
            URI uri = new URI(value);
            if (uri.isAbsolute() && uri.getScheme().matches("https?") && uri.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException("--s3-endpoint must be an http or https URL such as http://127.0.0.1:9000,"
                + " was '" + value + "'");
    }

    private static URI url(String value) {
        try {
            return new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--upstream URL '" + value + "' is not a URL: " + e.getMessage());
        }
    }

    /** The file a flag names; its content is judged when it is read. */
    private static Path file(String name, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " needs a file");
        }
        return Path.of(value);
    }

    private static Path absolute(Path path) {
        return path.toAbsolutePath().normalize();
    }

    private static String valueAfter(String[] args, int index, String name) {
        if (index + 1 >= args.length || args[index + 1].startsWith("--")) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[index + 1];
    }

    /** A whole number of at least {@code min}, for flag {@code name}. */
    static long parseCount(String name, String value, long min) {
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= Integer.MAX_VALUE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with the same message as an out-of-range number
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least " + min + ", was '" + value + "'");
    }

    /** {@code PT1H}-style ISO-8601 durations, or a plain number of seconds, for flag {@code name}; must be positive. */
    static Duration parseDuration(String name, String value) {
        Duration duration = null;
        try {
            duration = value.matches("\\d{1,12}") ? Duration.ofSeconds(Long.parseLong(value)) : Duration.parse(value);
        } catch (DateTimeParseException e) {
            // reported below, with the same message as a duration that is not positive
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration such as PT1H, PT30M or 3600"
                    + " (seconds), was '" + value + "'");
        }
        return duration;
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below, with the same message as an out-of-range number
        }
        throw new IllegalArgumentException("--port must be a number from 0 to 65535, was '" + value + "'");
    }
}
