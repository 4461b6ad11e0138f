package dev.wharf.testing;

import dev.wharf.api.RegistryBuilder;
import dev.wharf.api.RepositoryGlob;
import dev.wharf.core.access.AccessPolicy;
import dev.wharf.rocksdb.InlineBlobStore;
import dev.wharf.servlet.auth.HtpasswdFile;
import dev.wharf.servlet.auth.PasswordVerifier;
import dev.wharf.servlet.TransferLimits;
import dev.wharf.servlet.limit.RateLimits;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a {@link TestRegistry} is started with: the address it listens on, whether it serves TLS, where it keeps its
 * data and how its engine is customised. The same options start a registry directly ({@link TestRegistry#start(TestRegistryOptions)})
 * or through JUnit ({@link WharfRegistryExtension.Builder#options(TestRegistryOptions)}), so a test suite
 * writes them once:
 *
 * <pre>{@code
 * static final TestRegistryOptions OPTIONS = TestRegistryOptions.defaults()
 *         .withEngine(engine -> engine.deletesEnabled(false));
 *
 * @RegisterExtension
 * static WharfRegistryExtension registry = WharfRegistryExtension.builder().options(OPTIONS).build();
 *
 * try (TestRegistry onDisk = TestRegistry.start(OPTIONS.withDataDirectory(tempDir))) { ... }
 * }</pre>
 *
 * <p>Immutable: every {@code withX} returns new options and leaves these as they were, so one value can be
 * shared as a constant and start any number of registries (the extension starts one per class or per test
 * from the same options). Values are checked when they are given, not when a registry starts.
 */
public final class TestRegistryOptions {
    /** The address a registry binds unless told otherwise: loopback only, as suits a registry without authentication. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** The most connections a registry holds open unless told otherwise; more wait in the accept queue. */
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;
    /** The largest request head (request line and header fields) a registry accepts unless told otherwise: 16 KiB. */
    public static final int DEFAULT_MAX_REQUEST_HEADER_BYTES = 16 * 1024;

    private static final TestRegistryOptions DEFAULTS = new TestRegistryOptions(DEFAULT_HOST, 0, Optional.empty(),
            builder -> { }, TransferLimits.defaults(), DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_REQUEST_HEADER_BYTES,
            InlineBlobStore.DEFAULT_MAX_INLINE_BYTES, RegistryLogin.NONE, TlsSetting.OFF, RateLimits.none());

    private final String host;
    private final int port;
    private final Optional<Path> dataDirectory;
    private final Consumer<RegistryBuilder> engine;
    private final TransferLimits transferLimits;
    private final int maxConnections;
    private final int maxRequestHeaderBytes;
    private final int inlineBlobBytes;
    private final RegistryLogin login;
    private final TlsSetting tls;
    private final RateLimits rateLimits;

    private TestRegistryOptions(String host, int port, Optional<Path> dataDirectory, Consumer<RegistryBuilder> engine,
                                TransferLimits transferLimits, int maxConnections, int maxRequestHeaderBytes,
                                int inlineBlobBytes, RegistryLogin login, TlsSetting tls, RateLimits rateLimits) {
        this.host = host;
        this.port = port;
        this.dataDirectory = dataDirectory;
        this.engine = engine;
        this.transferLimits = transferLimits;
        this.maxConnections = maxConnections;
        this.maxRequestHeaderBytes = maxRequestHeaderBytes;
        this.inlineBlobBytes = inlineBlobBytes;
        this.login = login;
        this.tls = tls;
        this.rateLimits = rateLimits;
    }

    /** 127.0.0.1, an ephemeral port, everything in memory, the engine's own defaults. */
    public static TestRegistryOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The address to bind, {@value #DEFAULT_HOST} by default; {@code 0.0.0.0} for every interface.
     *
     * @throws IllegalArgumentException when {@code host} is blank
     */
    public TestRegistryOptions withHost(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        return new TestRegistryOptions(host, port, dataDirectory, engine, transferLimits, maxConnections,
                maxRequestHeaderBytes, inlineBlobBytes, login, tls, rateLimits);
    }

    /**
     * The TCP port; 0 (the default) picks a free one, which {@link TestRegistry#port()} then reports.
     *
     * @throws IllegalArgumentException when {@code port} is outside 0 to 65535
     */
    public TestRegistryOptions withPort(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        return new TestRegistryOptions(host, port, dataDirectory, engine, transferLimits, maxConnections,
                maxRequestHeaderBytes, inlineBlobBytes, login, tls, rateLimits);
    }

    /**
     * Keeps everything on disk in {@code directory} (created if needed), laid out as {@link DataLayout} says, so
     * that a registry started again on it finds what the last one stored. One running registry per directory.
     */
    public TestRegistryOptions withDataDirectory(Path directory) {
        Objects.requireNonNull(directory, "directory");
        return new TestRegistryOptions(host, port, Optional.of(directory), engine, transferLimits, maxConnections,
                maxRequestHeaderBytes, inlineBlobBytes, login, tls, rateLimits);
    }

    /**
     * Adds a customiser of the engine: stores, authorizer, listeners, limits. Customisers accumulate: each runs,
     * on every start, after the ones given before it. A store one of them sets replaces the data directory's,
     * which is then not opened. With a data directory they run on the thread that opens the stores while Jetty
     * starts, not on the thread that starts the registry.
     *
     * <pre>{@code
     * options.withEngine(engine -> engine.deletesEnabled(false).maxManifestBytes(65_536))
     * }</pre>
     */
    public TestRegistryOptions withEngine(Consumer<RegistryBuilder> customizer) {
        Objects.requireNonNull(customizer, "customizer");
        return new TestRegistryOptions(host, port, dataDirectory, engine.andThen(customizer), transferLimits,
                maxConnections, maxRequestHeaderBytes, inlineBlobBytes, login, tls, rateLimits);
    }

    /**
     * How slowly clients may move bodies, how many uploads may flow at once and how many header fields a request
     * may carry ({@link TransferLimits}; its defaults unless given).
     */
    public TestRegistryOptions withTransferLimits(TransferLimits limits) {
        Objects.requireNonNull(limits, "limits");
        return new TestRegistryOptions(host, port, dataDirectory, engine, limits, maxConnections, maxRequestHeaderBytes, inlineBlobBytes, login, tls, rateLimits);
    }

    /**
     * Holds every client (a user by name, an anonymous client by address) to {@code limits}: reads, writes and
     * upload bytes, each a token bucket ({@link dev.wharf.servlet.limit.TokenBucketLimiter}); a request over budget
     * is answered {@code 429 TOOMANYREQUESTS} with {@code Retry-After}. Each registry started gets buckets of its
     * own. None by default.
     *
     * <pre>{@code
     * options.withRateLimits(RateLimits.none().withRequests(Rate.parse("100/s")))
     * }</pre>
     */
    public TestRegistryOptions withRateLimits(RateLimits limits) {
        Objects.requireNonNull(limits, "limits");
        return new TestRegistryOptions(host, port, dataDirectory, engine, transferLimits, maxConnections,
                maxRequestHeaderBytes, inlineBlobBytes, login, tls, limits);
    }

    /** The budgets each client is held to; {@link RateLimits#none()} unless given. */
    public RateLimits rateLimits() {
        return rateLimits;
    }

    /**
     * The most connections held open at once, {@value #DEFAULT_MAX_CONNECTIONS} by default; further clients wait
     * in the operating system's accept queue until one closes. Each connection is a file descriptor: raise the
     * process's limit ({@code ulimit -n}) above this.
     *
     * @throws IllegalArgumentException unless {@code max} is positive
     */
    public TestRegistryOptions withMaxConnections(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max connections must be positive, was " + max);
        }
        return new TestRegistryOptions(host, port, dataDirectory, engine, transferLimits, max, maxRequestHeaderBytes, inlineBlobBytes, login, tls, rateLimits);
    }

    /**
     * The largest request head (request line plus header fields) accepted, {@value #DEFAULT_MAX_REQUEST_HEADER_BYTES}
     * bytes by default; a larger one is answered 431 in the error envelope.
     *
     * @throws IllegalArgumentException unless {@code bytes} is at least 1024
     */
    public TestRegistryOptions withMaxRequestHeaderBytes(int bytes) {
        if (bytes < 1024) {
            throw new IllegalArgumentException("max request header bytes must be at least 1024, was " + bytes);
        }
        return new TestRegistryOptions(host, port, dataDirectory, engine, transferLimits, maxConnections, bytes, inlineBlobBytes, login, tls, rateLimits);
    }

    /**
     * Blobs of up to this many bytes are kept in the metadata database of a registry with a
     * {@linkplain #withDataDirectory(Path) data directory} rather than as files
     * ({@link InlineBlobStore}, {@value InlineBlobStore#DEFAULT_MAX_INLINE_BYTES} by default): a small blob's push
     * then costs a share of one group-committed WAL sync instead of a file and two fsyncs. 0 stores every new blob
     * as a file. Ignored in memory, and when the engine customiser sets its own stores.
     *
     * @throws IllegalArgumentException unless {@code bytes} is 0 to {@value InlineBlobStore#MAX_INLINE_BYTES_LIMIT}
     */
    public TestRegistryOptions withInlineBlobBytes(int bytes) {
        return new TestRegistryOptions(host, port, dataDirectory, engine, transferLimits, maxConnections,
                maxRequestHeaderBytes, InlineBlobStore.requireValidLimit(bytes), login, tls, rateLimits);
    }

    /**
     * Requires Basic credentials, adding {@code user} with {@code password} to the users who may log in (several
     * calls add several users). Every user may do everything unless the engine's authorizer says otherwise;
     * callers without credentials get {@code 401} with the challenge, {@code GET /v2/} included, unless
     * {@link #withAnonymousAccess(boolean)} admits them.
     *
     * @throws IllegalArgumentException for an empty user name or one with a colon, which Basic cannot carry
     */
    public TestRegistryOptions withBasicAuth(String user, String password) {
        return withLogin(login.withUser(RegistryLogin.Kind.BASIC, user, password));
    }

    /** Requires Basic credentials that {@code passwords} accepts (an {@link HtpasswdFile}, say). */
    public TestRegistryOptions withBasicAuth(PasswordVerifier passwords) {
        return withLogin(login.withPasswords(RegistryLogin.Kind.BASIC, passwords));
    }

    /**
     * Requires bearer tokens of the registry token flow, served by the registry's own token service at
     * {@code /token}, adding {@code user} with {@code password} to the users who may get one. A challenge names
     * the realm {@code <scheme>://<host:port>/token} and the service {@code wharf-registry}, as docker, podman,
     * skopeo, containerd, Jib and ORAS expect. Tokens grant what the engine's authorizer allows, and live five
     * minutes.
     */
    public TestRegistryOptions withTokenAuth(String user, String password) {
        return withLogin(login.withUser(RegistryLogin.Kind.TOKEN, user, password));
    }

    /** Requires bearer tokens, which the token service gives to the users {@code passwords} accepts. */
    public TestRegistryOptions withTokenAuth(PasswordVerifier passwords) {
        return withLogin(login.withPasswords(RegistryLogin.Kind.TOKEN, passwords));
    }

    /**
     * Whether callers without credentials reach the engine's authorizer, which then decides what they may do
     * (false by default: with a login on, they are challenged). With the token flow, anonymous clients get
     * anonymous tokens from the token service instead, granting what the authorizer allows anonymous callers.
     */
    public TestRegistryOptions withAnonymousAccess(boolean admit) {
        return withLogin(login.admittingAnonymous(admit));
    }

    /**
     * Lets callers without credentials pull the repositories {@code glob} matches (a {@link RepositoryGlob}) and
     * see them in the catalog; every logged-in user may do everything. Sets the engine's authorizer to that
     * {@link AccessPolicy} (a later {@link #withEngine} can set another) and admits anonymous callers.
     */
    public TestRegistryOptions withAnonymousPull(String glob) {
        AccessPolicy policy = AccessPolicy.allowAllAuthenticated().toBuilder().anonymousPull(glob).build();
        return withAnonymousAccess(true).withEngine(engine -> engine.authorizer(policy));
    }

    private TestRegistryOptions withLogin(RegistryLogin login) {
        return new TestRegistryOptions(host, port, dataDirectory, engine, transferLimits, maxConnections,
                maxRequestHeaderBytes, inlineBlobBytes, login, tls, rateLimits);
    }

    /** How clients log in. */
    RegistryLogin login() {
        return login;
    }

    /**
     * Serves HTTPS with the certificate chain and private key in these PEM files, read and checked now. The chain
     * file holds the server's certificate first, then the intermediates that issued it, each issued by the next;
     * the key file holds that first certificate's private key, unencrypted, as PKCS#8 ({@code BEGIN PRIVATE KEY}),
     * PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}); RSA, or EC on P-256 or
     * P-384. Clients trust the chain's last certificate ({@link TestRegistry#caCertificatePem()}). Replaces
     * {@link #withGeneratedTls()}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it: missing or unreadable, not PEM,
     *                                  no certificate, an encrypted key (decrypt it with
     *                                  {@code openssl pkcs8 -topk8 -nocrypt}), a key that is not the first
     *                                  certificate's, a certificate expired or not yet valid, certificates out of order
     */
    public TestRegistryOptions withTls(Path certificateChainPem, Path privateKeyPem) {
        Objects.requireNonNull(certificateChainPem, "certificateChainPem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        TlsSetting files = new TlsSetting.FromFiles(certificateChainPem, privateKeyPem,
                PemFiles.read(certificateChainPem, privateKeyPem));
        return new TestRegistryOptions(host, port, dataDirectory, engine, transferLimits, maxConnections,
                maxRequestHeaderBytes, inlineBlobBytes, login, files, rateLimits);
    }

    /**
     * Serves HTTPS with a certificate made when the registry starts: a throwaway CA, new for each registry, issues
     * a server certificate for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the {@linkplain #withHost host}
     * (a name or an address; not a wildcard such as {@code 0.0.0.0}), valid for a day. Its key never leaves the
     * process: clients trust it through {@link TestRegistry#sslContext()} or {@link TestRegistry#caCertificatePem()}.
     * A start then costs about 15 ms more than over plain HTTP (5 ms of them for the certificates), and the first
     * registry with TLS in a JVM about a second more, loading the JDK's TLS and BouncyCastle's classes. Replaces
     * {@link #withTls(Path, Path)}.
     */
    public TestRegistryOptions withGeneratedTls() {
        return new TestRegistryOptions(host, port, dataDirectory, engine, transferLimits, maxConnections,
                maxRequestHeaderBytes, inlineBlobBytes, login, new TlsSetting.Generated(), rateLimits);
    }

    /** Whether and how registries started with these options serve TLS. */
    TlsSetting tls() {
        return tls;
    }

    /** The largest blob kept in the metadata database of a registry with a data directory; 0 for none. */
    public int inlineBlobBytes() {
        return inlineBlobBytes;
    }

    /** The limits the registry's servlet holds transfers to. */
    public TransferLimits transferLimits() {
        return transferLimits;
    }

    /** The most connections held open at once. */
    public int maxConnections() {
        return maxConnections;
    }

    /** The largest request head accepted, in bytes. */
    public int maxRequestHeaderBytes() {
        return maxRequestHeaderBytes;
    }

    /** The address to bind. */
    public String host() {
        return host;
    }

    /** The TCP port to bind, 0 for an ephemeral one. */
    public int port() {
        return port;
    }

    /** Where metadata and blobs live on disk; empty when they live in memory. */
    public Optional<Path> dataDirectory() {
        return dataDirectory;
    }

    /** Every customiser given, in order, as one. */
    Consumer<RegistryBuilder> engine() {
        return engine;
    }

    @Override
    public String toString() {
        return "TestRegistryOptions[" + host + ":" + port + ", data: "
                + dataDirectory.map(Path::toString).orElse("in memory")
                + (login.kind() == RegistryLogin.Kind.NONE ? "" : ", " + login)
                + (tls instanceof TlsSetting.Off ? "" : ", tls: " + tls)
                + (rateLimits.isUnlimited() ? "" : ", " + rateLimits) + "]";
    }
}
