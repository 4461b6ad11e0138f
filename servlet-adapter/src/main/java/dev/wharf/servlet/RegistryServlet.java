package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.servlet.auth.Authenticator;
import dev.wharf.servlet.limit.RateLimiter;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The OCI Distribution HTTP API (distribution-spec "API") over a {@link Registry}. Map it at {@code /v2/*}:
 *
 * <pre>{@code
 * Registry registry = Registry.builder().build();
 * ServletContextHandler context = new ServletContextHandler();          // Jetty, for example
 * context.addServlet(new ServletHolder(new RegistryServlet(registry)), "/v2/*");
 * }</pre>
 *
 * <p>Or let the container create it from its class name and {@link #attach attach} the registry to the
 * servlet context before the servlet starts, from a {@link jakarta.servlet.ServletContextListener} (which can
 * also close the registry) or a {@link jakarta.servlet.ServletContainerInitializer}; containers run both
 * before they initialise any servlet:
 *
 * <pre>{@code
 * @WebListener
 * public class WharfSetup implements ServletContextListener {
 *     private Registry registry;
 *
 *     public void contextInitialized(ServletContextEvent event) {
 *         registry = Registry.builder().build();
 *         RegistryServlet.attach(event.getServletContext(), registry);
 *     }
 *
 *     public void contextDestroyed(ServletContextEvent event) {
 *         registry.close();
 *     }
 * }
 * }</pre>
 *
 * with the servlet declared in {@code web.xml}:
 *
 * <pre>{@code
 * <servlet>
 *   <servlet-name>wharf</servlet-name>
 *   <servlet-class>dev.wharf.servlet.RegistryServlet</servlet-class>
 *   <async-supported>true</async-supported>
 * </servlet>
 * <servlet-mapping>
 *   <servlet-name>wharf</servlet-name>
 *   <url-pattern>/v2/*</url-pattern>
 * </servlet-mapping>
 * }</pre>
 *
 * or by an annotated subclass, {@code @WebServlet(urlPatterns = "/v2/*", asyncSupported = true) public class
 * Wharf extends RegistryServlet { }}, or with {@code servletContext.addServlet("wharf", RegistryServlet.class)}.
 * A servlet so declared that finds no registry attached fails to initialise, saying how to attach one, and the
 * container refuses its requests.
 *
 * <p>The servlet only translates: it routes the path as the client sent it ({@link RequestPath},
 * {@link Routes}), parses headers and query, calls the registry on behalf of
 * the caller its {@link Authenticator} establishes (by default {@link Authenticator#container()}: the container's
 * {@code request.getUserPrincipal()}, anonymous when there is none)
 * charges the request to the caller's budgets when it has a {@link RateLimiter}
 * and turns {@link RegistryException}s into the spec's JSON error envelope. Bodies
 * stream in both directions; a blob is never held in memory. Declared with async support (as above), the servlet
 * moves blob bodies with non-blocking I/O, so a slow client holds a connection and a buffer but no thread, and
 * holds them to its {@link TransferLimits}; without it, bodies are read and written with blocking I/O. Every
 * response carries
 * {@code Docker-Distribution-API-Version: registry/2.0}; {@code Location} headers are relative to the host.
 *
 * <p>The servlet does not own the registry and never closes it.
 */
public class RegistryServlet extends HttpServlet {
    /**
     * The ServletContext attribute under which {@link #attach} keeps the {@link Registry} that servlets made
     * with the no-argument constructor serve. Kept for code that sets the attribute itself; {@link #attach} and
     * {@link #attached} are the typed way to use it.
     */
    public static final String REGISTRY_ATTRIBUTE = "dev.wharf.registry";

    private static final long serialVersionUID = 1L;
    private static final String API_VERSION_HEADER = "Docker-Distribution-API-Version";
    /** Names the source host a mirrored request was scoped to by its {@code ns} parameter. */
    static final String NAMESPACE_HEADER = "OCI-Namespace";
    private static final String API_VERSION = "registry/2.0";

    private transient Registry registry;
    private transient TransferLimits limits;
    private transient AccessDoor door;
    /** Charges each admitted request to its client's budgets; null without a {@link RateLimiter}: no limits. */
    private transient RateGate rates;
    private transient Map<Endpoint, Handler> handlers;
    /** Whether the registry mirrors upstreams, so that names are routed ({@link #routed}). */
    private transient boolean mirroring;
    private transient ErrorWriter errors;
    private transient Transfers transfers;

    /** A servlet over {@code registry}, with the default {@link TransferLimits}. */
    public RegistryServlet(Registry registry) {
        this(registry, TransferLimits.defaults());
    }

    /** A servlet over {@code registry} holding transfers to {@code limits}. */
    public RegistryServlet(Registry registry, TransferLimits limits) {
        this(registry, limits, Authenticator.container());
    }

    /**
     * A servlet over {@code registry} holding transfers to {@code limits}, whose callers {@code authenticator}
     * establishes: every request passes it before its handler runs (see {@link Authenticator} for the answers).
     */
    public RegistryServlet(Registry registry, TransferLimits limits, Authenticator authenticator) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.door = new AccessDoor(Objects.requireNonNull(authenticator, "authenticator"));
    }

    /**
     * A servlet over {@code registry} holding transfers to {@code limits}, whose callers {@code authenticator}
     * establishes, and whose every admitted request {@code rateLimiter} charges to its client's budgets before
     * its handler runs: a request over budget is answered {@code 429 TOOMANYREQUESTS} with {@code Retry-After}
     * (see {@link RateLimiter}). The built-in one is a {@link dev.wharf.servlet.limit.TokenBucketLimiter}:
     *
     * <pre>{@code
     * RateLimiter limiter = TokenBucketLimiter.of(RateLimits.none()
     *         .withReads(Rate.parse("100/s")).withWrites(Rate.parse("20/s")).withUploadBytes(Rate.parse("50MiB/s")));
     * new RegistryServlet(registry, TransferLimits.defaults(), Authenticator.container(), limiter);
     * }</pre>
     *
     * The other constructors limit no rate, and then no request pays anything for it.
     */
    public RegistryServlet(Registry registry, TransferLimits limits, Authenticator authenticator,
                           RateLimiter rateLimiter) {
        this(registry, limits, authenticator);
        this.rates = new RateGate(Objects.requireNonNull(rateLimiter, "rateLimiter"));
    }

    /**
     * A servlet for containers that create it from its class name: it serves the registry {@link #attach attached}
     * to its servlet context, which it takes when it is initialised, with the default {@link TransferLimits}.
     */
    public RegistryServlet() {
        this.limits = TransferLimits.defaults();
        this.door = new AccessDoor(Authenticator.container());
    }

    /**
     * Makes {@code registry} the one that servlets created with the no-argument constructor in {@code context}
     * serve. Call it before they are initialised: from {@code ServletContextListener.contextInitialized} or a
     * {@code ServletContainerInitializer}. It replaces a registry attached before; a servlet already
     * initialised keeps the one it took. The servlets never close the registry; whoever attached it does.
     */
    public static void attach(ServletContext context, Registry registry) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(registry, "registry");
        context.setAttribute(REGISTRY_ATTRIBUTE, registry);
    }

    /**
     * The registry {@link #attach attached} to {@code context}, empty when none is.
     *
     * @throws IllegalStateException when the attribute {@value #REGISTRY_ATTRIBUTE} holds something else
     */
    public static Optional<Registry> attached(ServletContext context) {
        Object attribute = context.getAttribute(REGISTRY_ATTRIBUTE);
        if (attribute instanceof Registry registry) {
            return Optional.of(registry);
        }
        if (attribute == null) {
            return Optional.empty();
        }
        throw new IllegalStateException("ServletContext attribute '" + REGISTRY_ATTRIBUTE + "' holds a "
                + attribute.getClass().getName() + ", not a dev.wharf.api.Registry; set it with "
                + "RegistryServlet.attach(servletContext, registry)");
    }

    @Override
    public void init() throws ServletException {
        if (registry == null) {
            try {
                registry = attached(getServletContext()).orElseThrow(() -> new ServletException(
                        "RegistryServlet has no registry to serve: call RegistryServlet.attach(servletContext, "
                        + "registry) before the servlet starts (from a ServletContextListener or a "
                        + "ServletContainerInitializer), or construct it with new RegistryServlet(registry)"));
            } catch (IllegalStateException e) {
                throw new ServletException(e.getMessage(), e);
            }
        }
        transfers = new Transfers(limits, Transfers.callsBackOnIoThreads(getServletContext()));
        errors = new ErrorWriter(ErrorWriter.DEFAULT_CHALLENGE, transfers,
                ErrorWriter.drainsWithoutBlocking(getServletContext()));
        handlers = handlers(registry, errors, transfers);
        mirroring = !registry.config().upstreams().isEmpty();
    }

    /** Cuts the transfers still in flight and stops watching them; the registry stays open. */
    @Override
    public void destroy() {
        if (transfers != null) {
            transfers.close();
        }
        super.destroy();
    }

    /** Dispatches every method, PATCH included, through the route table. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        response.setHeader(API_VERSION_HEADER, API_VERSION);
        Routes.Result route = Routes.STANDARD.match(request.getMethod(), RequestPath.of(request.getRequestURI(),
                request.getContextPath(), request.getServletPath(), request.getPathInfo()));
        Map<String, String> params = route instanceof Routes.Found found ? found.params() : Map.of();
        if (mirroring && params.containsKey("name") && isPull(request.getMethod())) {
            try {
                params = routed(request, response, params);
            } catch (RuntimeException e) {
                errors.handle(new Exchange(request, response, params), e);
                return;
            }
        }
        Exchange exchange = new Exchange(request, response, params);
        try {
            checkHeaderCount(request);
            if (route instanceof Routes.Found found) {
                door.admit(exchange, found.endpoint(), found.params());
                if (rates != null) {
                    rates.admit(exchange);
                }
                exchange.refuseConsumedBody();
                handlers.get(found.endpoint()).handle(exchange);
            } else if (route instanceof Routes.MethodNotAllowed notAllowed) {
                response.setHeader("Allow", String.join(", ", notAllowed.allowed()));
                throw new RegistryException(ErrorCode.UNSUPPORTED, request.getMethod()
                        + " is not supported here; allowed: " + String.join(", ", notAllowed.allowed()));
            } else {
                throw new RegistryException(ErrorCode.ENDPOINT_UNKNOWN, "unknown endpoint");
            }
        } catch (IOException | RuntimeException e) {
            errors.handle(exchange, e);
        }
    }

    /** GET and HEAD: the requests a mirror routes ({@code ns} is defined for pulls; writes stay on their name). */
    private static boolean isPull(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    /**
     * The path parameters with the repository name the registry routes the request to ({@link Registry#route}):
     * with {@code ?ns=<host>} of a mirrored upstream, its content; the answer then names the namespace in
     * {@code OCI-Namespace}, as the spec's proxying section asks. An invalid name is left for the handler to
     * refuse.
     */
    private Map<String, String> routed(HttpServletRequest request, HttpServletResponse response,
                                       Map<String, String> params) {
        RepositoryName name;
        try {
            name = RepositoryName.of(params.get("name"));
        } catch (RegistryException e) {
            return params;
        }
        Optional<String> namespace = QueryParams.parse(request.getQueryString()).first("ns").filter(ns -> !ns.isEmpty());
        RepositoryName to = registry.route(name, namespace);
        if (to.equals(name)) {
            return params;
        }
        namespace.ifPresent(ns -> response.setHeader(NAMESPACE_HEADER, ns));
        Map<String, String> copy = new java.util.HashMap<>(params);
        copy.put("name", to.value());
        return copy;
    }

    /** 431 for a request with more header fields than {@link TransferLimits#maxRequestHeaders()}. */
    private void checkHeaderCount(HttpServletRequest request) {
        int max = limits.maxRequestHeaders();
        int count = 0;
        for (java.util.Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            for (java.util.Enumeration<String> values = request.getHeaders(names.nextElement());
                 values.hasMoreElements(); values.nextElement()) {
                if (++count > max) {
                    throw new RegistryException(ErrorCode.TOO_MANY_HEADERS, "the request has more than " + max
                            + " header fields, this registry's limit", Map.of("limit", max));
                }
            }
        }
    }

    /** Serves one endpoint; failures propagate to the {@link ErrorWriter}. */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange) throws IOException;
    }

    /** The endpoint-to-handler table; every {@link Endpoint} must have one. */
    private static Map<Endpoint, Handler> handlers(Registry registry, ErrorWriter errors, Transfers transfers)
            throws ServletException {
        BlobHandler blobs = new BlobHandler(registry, transfers);
        UploadHandler uploads = new UploadHandler(registry, errors, transfers);
        ManifestHandler manifests = new ManifestHandler(registry);
        TagHandler tags = new TagHandler(registry);
        ReferrersHandler referrers = new ReferrersHandler(registry);
        CatalogHandler catalog = new CatalogHandler(registry);
        ExtensionsHandler extensions = new ExtensionsHandler(registry.config());

        Map<Endpoint, Handler> table = new EnumMap<>(Endpoint.class);
        table.put(Endpoint.BASE, extensions::base);
        table.put(Endpoint.CATALOG, catalog::list);
        table.put(Endpoint.EVENTS, new EventsHandler(registry)::list);
        SearchHandler search = new SearchHandler(registry);
        table.put(Endpoint.SEARCH, search::search);
        table.put(Endpoint.REPOSITORY_SEARCH, search::repository);
        UsageHandler usage = new UsageHandler(registry);
        table.put(Endpoint.USAGE, usage::scope);
        table.put(Endpoint.REPOSITORY_USAGE, usage::repository);
        table.put(Endpoint.DISCOVER, extensions::discover);
        table.put(Endpoint.REPOSITORY_DISCOVER, extensions::discoverInRepository);
        table.put(Endpoint.UPLOAD_START, uploads::start);
        table.put(Endpoint.UPLOAD_STATUS, uploads::status);
        table.put(Endpoint.UPLOAD_CHUNK, uploads::append);
        table.put(Endpoint.UPLOAD_COMPLETE, uploads::complete);
        table.put(Endpoint.UPLOAD_CANCEL, uploads::cancel);
        table.put(Endpoint.BLOB_READ, blobs::read);
        table.put(Endpoint.BLOB_DELETE, blobs::delete);
        table.put(Endpoint.MANIFEST_READ, manifests::read);
        table.put(Endpoint.MANIFEST_PUT, manifests::put);
        table.put(Endpoint.MANIFEST_DELETE, manifests::delete);
        table.put(Endpoint.TAGS_LIST, tags::list);
        table.put(Endpoint.REFERRERS, referrers::list);
        if (table.size() != Endpoint.values().length) {
            throw new ServletException("endpoints without a handler: "
                    + EnumSet.complementOf(EnumSet.copyOf(table.keySet())));
        }
        return table;
    }
}
