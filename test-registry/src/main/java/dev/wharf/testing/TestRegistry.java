package dev.wharf.testing;

import dev.wharf.api.Registry;
import dev.wharf.api.RegistryBuilder;
import dev.wharf.api.RegistryConfig;
import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.rocksdb.RocksDbMetadataStore;
import dev.wharf.servlet.RegistryServlet;
import dev.wharf.servlet.limit.TokenBucketLimiter;
import dev.wharf.servlet.auth.TokenServlet;
import jakarta.servlet.ServletException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A complete OCI registry served over HTTP by an embedded Jetty, for tests and local use.
 *
 * <pre>{@code
 * try (TestRegistry registry = TestRegistry.start()) {          // in memory, 127.0.0.1, ephemeral port
 *     String image = registry.hostPort() + "/team/app:1.0";     // "127.0.0.1:41234/team/app:1.0"
 *     HttpRequest ping = HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build();
 * }
 * }</pre>
 *
 * <p>Starting costs a few milliseconds once Jetty's classes are loaded: one connector whose one selector
 * also accepts connections, one servlet context without sessions, security or classpath scanning, and the
 * {@link RegistryServlet} at {@code /v2/*}. What Jetty refuses on its own (a malformed request, an ambiguous
 * path, headers too large, a path outside {@code /v2/}) is answered in the registry's JSON error envelope
 * too ({@code EnvelopeErrorHandler}). Each instance owns its engine ({@link #registry()}); nothing is
 * shared between instances, so tests can run several side by side. Jetty's threads are daemons, so a
 * forgotten instance never keeps a JVM alive, but {@link #close()} is what frees the port and the stores.
 *
 * <p>With TLS ({@link TestRegistryOptions#withGeneratedTls()} or {@link TestRegistryOptions#withTls(Path, Path)})
 * the one connector speaks HTTPS (HTTP/1.1 over TLS) with the same limits, and {@link #baseUri()} says
 * {@code https}; {@link #sslContext()} and {@link #caCertificatePem()} are how a client comes to trust it:
 *
 * <pre>{@code
 * try (TestRegistry registry = TestRegistry.builder().tls().start()) {
 *     HttpClient client = HttpClient.newBuilder().sslContext(registry.sslContext()).build();
 *     client.send(HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build(), BodyHandlers.ofString());
 * }
 * }</pre>
 */
public final class TestRegistry implements AutoCloseable {
    /** Enough for a client pushing layers in parallel plus Jetty's selector. */
    private static final int MAX_THREADS = 64;
    private static final int MIN_THREADS = 2;
    /** Generous, so a large blob that takes a while to verify and publish is not cut off mid-request. */
    private static final long IDLE_TIMEOUT_MILLIS = 120_000;
    /**
     * No graceful stop: with a timeout, Jetty waits for idle keep-alive connections that clients hold open
     * and a close costs a second or more. A test (or a stopped launcher) has no requests worth finishing.
     */
    private static final long STOP_TIMEOUT_MILLIS = 0;
    private static final Set<String> WILDCARD_HOSTS = Set.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0", "[::]");

    private final Server server;
    private final Registry registry;
    private final String host;
    private final int port;
    private final Optional<TlsIdentity> tls;
    private final CompletionStage<Void> firstAnswer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TestRegistry(Server server, Registry registry, String host, int port, Optional<TlsIdentity> tls,
                         CompletionStage<Void> firstAnswer) {
        this.server = server;
        this.registry = registry;
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.firstAnswer = firstAnswer;
    }

    /**
     * Starts an in-memory registry on 127.0.0.1 and an ephemeral port. Blobs over 64 KiB are kept off the heap,
     * in temporary files under {@code java.io.tmpdir} that have no name ({@code InMemoryBlobStore}):
     * {@link #close()} releases them, and a JVM that dies leaves none behind.
     */
    public static TestRegistry start() {
        return start(TestRegistryOptions.defaults());
    }

    /**
     * Options for a registry that needs more than {@link #start()} gives, one at a time; the same options as
     * {@link TestRegistryOptions}, for a registry started in one expression.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a registry with {@code options}; each call starts a new, independent registry.
     *
     * <p>With a data directory, the engine is built (its customisers run and its stores open: RocksDB loads its
     * native library and opens its files) on a thread of its own while Jetty starts, since each takes about as
     * long as the other. Requests that reach Jetty before the engine is ready wait for it. This method returns
     * once both are ready; when either fails, it stops the other and throws, the engine's failure first.
     *
     * @throws java.io.UncheckedIOException when the port cannot be bound
     * @throws IllegalStateException        when Jetty cannot start for another reason
     * @throws RuntimeException             from the engine or its stores, e.g. a data directory that cannot be
     *                                      written or is in use by another registry
     */
    public static TestRegistry start(TestRegistryOptions options) {
        CompletableFuture<Registry> engine = options.dataDirectory().isPresent()
                ? CompletableFuture.supplyAsync(() -> buildEngine(options), TestRegistry::openingThread)
                : CompletableFuture.completedFuture(buildEngine(options));
        AwaitingServlet servlet = new AwaitingServlet();
        Optional<TlsIdentity> tls;
        try {
            tls = options.tls().identityFor(options.host());
        } catch (RuntimeException | Error e) {
            engine.thenAccept(Registry::close);
            throw e;
        }
        // The token service asks the engine's authorizer, which exists once the engine is built.
        RegistryLogin.Installed login = options.login().install((caller, action, repository) ->
                await(engine).config().authorizer().permits(caller, action, repository));
        Server server = newServer(options, servlet, login, tls);
        Exception jettyFailure = null;
        try {
            server.start();
        } catch (Exception e) {
            jettyFailure = e;
        }
        Registry registry;
        try {
            registry = await(engine);
        } catch (RuntimeException | Error e) {
            servlet.fail(e);
            if (jettyFailure != null) {
                e.addSuppressed(jettyFailure);
            }
            stopQuietly(server, e);
            throw e;
        }
        if (jettyFailure == null) {
            try {
                servlet.serve(options.rateLimits().isUnlimited()
                        ? new RegistryServlet(registry, options.transferLimits(), login.authenticator())
                        : new RegistryServlet(registry, options.transferLimits(), login.authenticator(),
                                TokenBucketLimiter.of(options.rateLimits())));
            } catch (ServletException e) {
                jettyFailure = e;
            }
        }
        if (jettyFailure != null) {
            stopQuietly(server, jettyFailure);
            registry.close();
            String where = options.host() + ":" + options.port();
            if (jettyFailure instanceof IOException io) {
                throw new UncheckedIOException("cannot listen on " + where + ": " + io.getMessage(), io);
            }
            throw new IllegalStateException("cannot start the registry on " + where, jettyFailure);
        }
        int boundPort = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        return new TestRegistry(server, registry, options.host(), boundPort, tls, servlet.firstAnswer());
    }

    /** A daemon thread per start, so that a registry whose stores hang on opening never keeps a JVM alive. */
    private static void openingThread(Runnable opening) {
        Thread thread = new Thread(opening, "wharf-registry-open");
        thread.setDaemon(true);
        thread.start();
    }

    /** The built engine, or the very exception building it threw. */
    private static Registry await(CompletableFuture<Registry> engine) {
        try {
            return engine.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * The registry's root, {@code http://127.0.0.1:PORT}, or {@code https://127.0.0.1:PORT} with TLS; the API lives
     * under {@code /v2/}.
     */
    public URI baseUri() {
        return URI.create((tls.isPresent() ? "https://" : "http://") + hostPort());
    }

    /**
     * A client context that trusts this registry's certificate, and no other: for
     * {@code HttpClient.newBuilder().sslContext(...)}, or any client that takes an {@link SSLContext} or its socket
     * factory. It trusts {@link #caCertificatePem()}, so a client checks the host name as usual: connect through
     * {@link #baseUri()}, or a name the certificate covers. A new context on each call.
     *
     * @throws IllegalStateException when the registry serves plain HTTP
     */
    public SSLContext sslContext() {
        return tlsIdentity().trustingContext();
    }

    /**
     * The certificate a client trusts to accept this registry's, as PEM: with
     * {@link TestRegistryOptions#withGeneratedTls()} the throwaway CA that issued the server's certificate; with
     * {@link TestRegistryOptions#withTls(Path, Path)} the last certificate of the chain file (its root, or the
     * last intermediate when the file stops there; the server's own certificate when it is the only one).
     *
     * @throws IllegalStateException when the registry serves plain HTTP
     */
    public String caCertificatePem() {
        return tlsIdentity().anchorPem();
    }

    /**
     * Writes {@link #caCertificatePem()} to {@code file}, replacing it if it exists, for clients that read trust
     * from files: skopeo's {@code --dest-cert-dir DIR} (as {@code DIR/ca.crt}), curl's {@code --cacert}, a
     * {@code SSL_CERT_FILE}. The directory must exist.
     *
     * @return {@code file}
     * @throws IllegalStateException when the registry serves plain HTTP
     * @throws UncheckedIOException  when the file cannot be written
     */
    public Path writeCaCertificate(Path file) {
        String pem = caCertificatePem();
        try {
            return Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the registry's CA certificate to " + file, e);
        }
    }

    private TlsIdentity tlsIdentity() {
        return tls.orElseThrow(() -> new IllegalStateException("this registry serves plain HTTP: start it with "
                + "TestRegistryOptions.withGeneratedTls() or withTls(chain, key) to have a certificate to trust"));
    }

    /**
     * {@code HOST:PORT} as image references spell it ({@code hostPort() + "/team/app:1.0"}). A registry
     * bound to a wildcard address reports 127.0.0.1, the address a client on this machine should use.
     */
    public String hostPort() {
        return authority(WILDCARD_HOSTS.contains(host) ? TestRegistryOptions.DEFAULT_HOST : host, port);
    }

    /**
     * {@code HOST:PORT} the registry is bound to, the host as it was given (a wildcard such as {@code 0.0.0.0}
     * stays one): where it listens, for logs and messages. {@link #hostPort()} is the address to connect to.
     */
    public String boundHostPort() {
        return authority(host, port);
    }

    /** {@code host:port}, with an IPv6 literal in brackets. */
    private static String authority(String host, int port) {
        boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
        return (ipv6 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The TCP port actually bound (the ephemeral one when port 0 was asked for). */
    public int port() {
        return port;
    }

    /**
     * Completes once the registry has handled its first request under {@code /v2/}, whatever the request and the
     * answer were: the answer is written, or, for a body the registry goes on streaming without a thread, under
     * way. Clients begin with {@code GET /v2/}, so a process that starts a registry can hold back work of its own
     * until then, as the launcher does with its warm-up, instead of slowing that first answer down.
     */
    public CompletionStage<Void> firstAnswer() {
        return firstAnswer;
    }

    /** The engine behind the HTTP API, for arranging or inspecting state with direct Java calls. */
    public Registry registry() {
        return registry;
    }

    /** Stops Jetty, then closes the engine and its stores. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Exception stopFailure = null;
        try {
            server.stop();
        } catch (Exception e) {
            stopFailure = e;
        } finally {
            // Order matters: no request may reach the engine after its stores are closed.
            registry.close();
        }
        if (stopFailure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        if (stopFailure != null) {
            throw new IllegalStateException("Jetty did not stop cleanly", stopFailure);
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "TestRegistry[" + baseUri() + (closed.get() ? ", closed]" : "]");
    }

    /**
     * The customiser runs first so that stores it sets win without the data directory's being opened at all
     * (an opened RocksDB it replaced would otherwise stay locked and unclosed); the data directory's stores
     * fill whatever it left unset.
     */
    private static Registry buildEngine(TestRegistryOptions options) {
        RegistryBuilder builder = Registry.builder();
        options.engine().accept(builder);
        if (options.dataDirectory().isEmpty()) {
            return builder.build();
        }
        Path dir = options.dataDirectory().get();
        RegistryConfig chosen = builder.config();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            RocksDbMetadataStore meta = null;
            if (chosen.metadataStore().isEmpty()) {
                meta = track(opened, RocksDbMetadataStore.open(DataLayout.metadata(dir)));
                builder.metadataStore(meta);
            }
            if (chosen.blobStore().isEmpty()) {
                FileSystemBlobStore files = track(opened, DataLayout.blobStore(dir));
                // Small blobs go into the metadata database only when that database is ours too.
                builder.blobStore(meta == null ? files : track(opened, meta.inlineBlobs(files, options.inlineBlobBytes())));
            }
            return builder.build();
        } catch (RuntimeException e) {
            for (AutoCloseable store : opened) {
                try {
                    store.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T store) {
        opened.add(store);
        return store;
    }

    private static Server newServer(TestRegistryOptions options, AwaitingServlet servlet,
                                    RegistryLogin.Installed login, Optional<TlsIdentity> tls) {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        threads.setName("wharf-registry");
        threads.setDaemon(true);
        Server server = new Server(threads);
        // The owner (close(), or the launcher's own hook) decides when to stop, never Jetty's hook. That is Jetty's
        // default; setting it anyway would initialise Jetty's shutdown thread on the start thread, for nothing.
        if (server.getStopAtShutdown()) {
            server.setStopAtShutdown(false);
        }
        server.setStopTimeout(STOP_TIMEOUT_MILLIS);

        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(options.maxRequestHeaderBytes()); // beyond it Jetty answers 431 (in the envelope)
        // An empty segment (/v2/a//b/...) reaches the servlet, which judges the name as sent: 400 NAME_INVALID.
        http.setUriCompliance(UriCompliance.DEFAULT.with("wharf", UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRelativeRedirectAllowed(true); // Location headers stay relative, as the servlet writes them
        // TLS goes in front of the same HTTP/1.1 on the same connector, so every limit above and below holds for it.
        ConnectionFactory[] protocols = tls.map(identity -> {
            // Reports https and the TLS session to the request. One certificate: no SNI to check it against, and
            // a client that connects by another name (verification off) is served rather than refused 400.
            http.addCustomizer(new SecureRequestCustomizer(false));
            return new ConnectionFactory[] {
                new SslConnectionFactory(identity.sslContextFactory(), HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(http)};
        }).orElseGet(() -> new ConnectionFactory[] {new HttpConnectionFactory(http)});
        // No acceptor thread: the selector accepts too. A connection is accepted when the selector wakes for it
        // instead of on a thread of its own that must first be started and named, which the first connection
        // after a start waited for (about 5-10 ms of a launcher's start, in paired starts); the connection limit
        // below then stops the selector accepting instead of the acceptor.
        ServerConnector connector = new ServerConnector(server, 0, 1, protocols);
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        server.addConnector(connector);
        // Past the limit Jetty stops accepting; further clients wait in the kernel's accept queue.
        server.addBean(new NetworkConnectionLimit(options.maxConnections(), connector));

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder("wharf", servlet);
        holder.setAsyncSupported(true); // the servlet may stream large bodies with async I/O
        holder.setInitOrder(0); // initialised as Jetty starts, so that it can initialise the one it waits for
        context.addServlet(holder, "/v2/*");
        login.tokenService().ifPresent(tokens -> context.addServlet(new ServletHolder("token", tokens),
                TokenServlet.DEFAULT_PATH));
        context.getServletHandler().setDecodeAmbiguousURIs(true); // only what the URI compliance above lets in
        context.getServletHandler().setEnsureDefaultServlet(false); // outside /v2/: 404 for every method
        // Jetty's refusals (bad requests, ambiguous paths, unknown paths) in the registry's error envelope.
        context.setErrorHandler(new EnvelopeErrorHandler());
        server.setErrorHandler(new EnvelopeErrorHandler());
        server.setHandler(context);
        return server;
    }

    private static void stopQuietly(Server server, Throwable cause) {
        try {
            server.stop();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Options for {@link TestRegistry}, one call each, ending in {@link #start()}; a mutable front for
     * {@link TestRegistryOptions}, whose documentation each method shares. Every option has a default:
     * 127.0.0.1, an ephemeral port, in-memory storage, the engine's own defaults. {@link #start()} may be called
     * more than once; each call starts a new, independent registry.
     */
    public static final class Builder {
        private TestRegistryOptions options = TestRegistryOptions.defaults();

        private Builder() {
        }

        /** The TCP port; 0 (the default) picks a free one. See {@link TestRegistryOptions#withPort(int)}. */
        public Builder port(int port) {
            options = options.withPort(port);
            return this;
        }

        /** The address to bind; 127.0.0.1 by default. See {@link TestRegistryOptions#withHost(String)}. */
        public Builder host(String host) {
            options = options.withHost(host);
            return this;
        }

        /**
         * Keeps everything on disk in {@code directory} (created if needed), so a registry started again on
         * it finds what the last one stored: metadata in RocksDB under {@code directory/metadata}, blob bytes
         * under {@code directory/blobs} and {@code directory/staging}. One running registry per directory.
         */
        public Builder dataDirectory(Path directory) {
            options = options.withDataDirectory(directory);
            return this;
        }

        /**
         * Customises the engine: stores, authorizer, listeners, limits. Runs on each start; a store it sets
         * replaces the data directory's (which is then not opened); several calls accumulate in order.
         *
         * <pre>{@code
         * TestRegistry.builder().engine(engine -> engine.deletesEnabled(false).maxManifestBytes(65_536)).start();
         * }</pre>
         */
        public Builder engine(Consumer<RegistryBuilder> customizer) {
            options = options.withEngine(customizer);
            return this;
        }

        /**
         * Requires Basic credentials; adds {@code user} with {@code password} (call again for more users). See
         * {@link TestRegistryOptions#withBasicAuth(String, String)}.
         */
        public Builder basicAuth(String user, String password) {
            options = options.withBasicAuth(user, password);
            return this;
        }

        /**
         * Serves HTTPS with a throwaway CA made at start; see {@link TestRegistryOptions#withGeneratedTls()}.
         * Clients trust it through {@link TestRegistry#sslContext()} or {@link TestRegistry#caCertificatePem()}.
         */
        public Builder tls() {
            options = options.withGeneratedTls();
            return this;
        }

        /**
         * Requires bearer tokens from the registry's own token service at {@code /token}; adds {@code user} with
         * {@code password} (call again for more users). See {@link TestRegistryOptions#withTokenAuth(String, String)}.
         */
        public Builder tokenAuth(String user, String password) {
            options = options.withTokenAuth(user, password);
            return this;
        }

        /**
         * Lets callers without credentials pull the repositories {@code glob} matches. See
         * {@link TestRegistryOptions#withAnonymousPull(String)}.
         */
        public Builder anonymousPull(String glob) {
            options = options.withAnonymousPull(glob);
            return this;
        }

        /**
         * Serves HTTPS with the certificate chain and private key in these PEM files, read and checked now; see
         * {@link TestRegistryOptions#withTls(Path, Path)}.
         *
         * @throws IllegalArgumentException naming the file and what is wrong with it
         */
        public Builder tls(Path certificateChainPem, Path privateKeyPem) {
            options = options.withTls(certificateChainPem, privateKeyPem);
            return this;
        }

        /** Starts a registry with these options. */
        public TestRegistry start() {
            return TestRegistry.start(options);
        }
    }
}
