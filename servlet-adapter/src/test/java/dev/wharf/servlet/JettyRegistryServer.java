package dev.wharf.servlet;

import dev.wharf.api.Registry;
import jakarta.servlet.ServletContainerInitializer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.net.URI;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@link RegistryServlet} at {@code /v2/*} in an embedded Jetty 12 (ee10) on an ephemeral port of
 * 127.0.0.1.
 *
 * <p>Jetty refuses paths with empty segments ({@code /v2/a//b/...}) before any servlet runs, answering an
 * HTML 400. This fixture lets them through (as an embedder may) so that the suite can check the registry's
 * own answer to such names: {@code 400 NAME_INVALID} in the spec's error envelope.
 */
public final class JettyRegistryServer implements RegistryServer {
    private final Server server;
    private final Registry registry;
    private final URI baseUri;
    private boolean closed;

    private JettyRegistryServer(Server server, Registry registry, URI baseUri) {
        this.server = server;
        this.registry = registry;
        this.baseUri = baseUri;
    }

    /**
     * Starts Jetty serving {@code registry}; the returned server owns the registry and closes it.
     */
    public static JettyRegistryServer start(Registry registry) throws Exception {
        return start(registry, null);
    }

    /**
     * Starts Jetty serving {@code registry} behind {@code filter} (for example one that authenticates the
     * caller), or no filter when null; the returned server owns the registry and closes it.
     */
    public static JettyRegistryServer start(Registry registry, jakarta.servlet.Filter filter) throws Exception {
        return start(registry, filter, TransferLimits.defaults());
    }

    /** As {@link #start(Registry, jakarta.servlet.Filter)}, with the servlet holding transfers to {@code limits}. */
    public static JettyRegistryServer start(Registry registry, jakarta.servlet.Filter filter, TransferLimits limits)
            throws Exception {
        return start(registry, filter, new RegistryServlet(registry, limits));
    }

    /** As {@link #start(Registry, jakarta.servlet.Filter)}, serving through {@code servlet}, made over {@code registry}. */
    public static JettyRegistryServer start(Registry registry, jakarta.servlet.Filter filter, RegistryServlet servlet)
            throws Exception {
        Objects.requireNonNull(registry, "registry");
        return startWith(registry, context -> {
            if (filter != null) {
                org.eclipse.jetty.ee10.servlet.FilterHolder holder = new org.eclipse.jetty.ee10.servlet.FilterHolder(filter);
                holder.setAsyncSupported(true); // so the servlet behind it can use non-blocking I/O
                context.addFilter(holder, "/*", java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
            }
            ServletHolder holder = new ServletHolder(servlet);
            holder.setAsyncSupported(true);
            context.addServlet(holder, "/v2/*");
        });
    }

    /**
     * Starts Jetty serving {@code registry} through {@code authenticator}, with {@code tokenService} (when not null)
     * at {@code /token}; the returned server owns the registry and closes it.
     */
    public static JettyRegistryServer startSecured(Registry registry, dev.wharf.servlet.auth.Authenticator authenticator,
                                                   jakarta.servlet.http.HttpServlet tokenService) throws Exception {
        Objects.requireNonNull(registry, "registry");
        return startWith(registry, context -> {
            ServletHolder holder = new ServletHolder(new RegistryServlet(registry, TransferLimits.defaults(),
                    authenticator));
            holder.setAsyncSupported(true);
            context.addServlet(holder, "/v2/*");
            if (tokenService != null) {
                context.addServlet(new ServletHolder(tokenService), "/token");
            }
        });
    }

    /**
     * Starts Jetty with {@code servlet} declared by class (Jetty creates it, as from web.xml) at {@code /v2/*}
     * and {@code setup} run before any servlet starts; {@code setup} decides what to attach. The returned
     * server owns {@code registry} and closes it.
     */
    public static JettyRegistryServer startDeclared(Registry registry, Class<? extends RegistryServlet> servlet,
                                                    ServletContainerInitializer setup) throws Exception {
        Objects.requireNonNull(registry, "registry");
        return startWith(registry, context -> {
            context.addServletContainerInitializer(setup);
            context.addServlet(servlet, "/v2/*");
        });
    }

    private static JettyRegistryServer startWith(Registry registry, Consumer<ServletContextHandler> deploy)
            throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.DEFAULT.with("wharf-tests", UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        deploy.accept(context);
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            registry.close();
            throw e;
        }
        URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
        return new JettyRegistryServer(server, registry, base);
    }

    @Override
    public URI baseUri() {
        return baseUri;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop cleanly", e);
        } finally {
            registry.close();
        }
    }

    @Override
    public String toString() {
        return "Jetty " + baseUri;
    }
}
