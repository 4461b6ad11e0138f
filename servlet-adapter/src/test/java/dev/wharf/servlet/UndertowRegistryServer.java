package dev.wharf.servlet;

import dev.wharf.api.Registry;
import jakarta.servlet.ServletContainerInitializer;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainerInitializerInfo;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * {@link RegistryServlet} at {@code /v2/*} in an embedded Undertow 2.3 on an ephemeral port of 127.0.0.1:
 * one servlet deployment in a container of its own (not Undertow's static default container), so several
 * servers can live in one JVM and nothing outlives {@link #close()}.
 *
 * <p>One listener option is changed, as it must be for any registry: {@code MAX_ENTITY_SIZE}, whose default
 * of 2 MiB would refuse most layers. Undertow's own handling of odd paths is left as an embedder gets it.
 */
public final class UndertowRegistryServer implements RegistryServer {
    /** Undertow's value for "no request body size limit". */
    private static final long NO_LIMIT = -1L;

    private final Undertow server;
    private final DeploymentManager deployment;
    private final Registry registry;
    private final URI baseUri;
    private boolean closed;

    private UndertowRegistryServer(Undertow server, DeploymentManager deployment, Registry registry, URI baseUri) {
        this.server = server;
        this.deployment = deployment;
        this.registry = registry;
        this.baseUri = baseUri;
    }

    /** Starts Undertow serving {@code registry}; the returned server owns the registry and closes it. */
    public static UndertowRegistryServer start(Registry registry) throws Exception {
        return start(registry, null);
    }

    /**
     * Starts Undertow serving {@code registry} behind {@code filter} (for example one that authenticates the
     * caller), or no filter when null; the returned server owns the registry and closes it.
     */
    public static UndertowRegistryServer start(Registry registry, Filter filter) throws Exception {
        return start(registry, filter, TransferLimits.defaults());
    }

    /** As {@link #start(Registry, Filter)}, with the servlet holding transfers to {@code limits}. */
    public static UndertowRegistryServer start(Registry registry, Filter filter, TransferLimits limits)
            throws Exception {
        return start(registry, filter, new RegistryServlet(registry, limits));
    }

    /** As {@link #start(Registry, Filter)}, serving through {@code servlet}, made over {@code registry}. */
    public static UndertowRegistryServer start(Registry registry, Filter filter, RegistryServlet servlet)
            throws Exception {
        Objects.requireNonNull(registry, "registry");
        return startWith(registry, Servlets.deployment()
                .addServlet(Servlets.servlet("wharf", RegistryServlet.class, new ImmediateInstanceFactory<>(servlet))
                        .addMapping("/v2/*")
                        .setAsyncSupported(true)), filter);
    }

    /**
     * Starts Undertow serving {@code registry} through {@code authenticator}, with {@code tokenService} (when not
     * null) at {@code /token}; the returned server owns the registry and closes it.
     */
    public static UndertowRegistryServer startSecured(Registry registry,
                                                      dev.wharf.servlet.auth.Authenticator authenticator,
                                                      jakarta.servlet.http.HttpServlet tokenService) throws Exception {
        Objects.requireNonNull(registry, "registry");
        RegistryServlet servlet = new RegistryServlet(registry, TransferLimits.defaults(), authenticator);
        DeploymentInfo info = Servlets.deployment()
                .addServlet(Servlets.servlet("wharf", RegistryServlet.class, new ImmediateInstanceFactory<>(servlet))
                        .addMapping("/v2/*")
                        .setAsyncSupported(true));
        if (tokenService != null) {
            info.addServlet(Servlets.servlet("token", jakarta.servlet.http.HttpServlet.class,
                    new ImmediateInstanceFactory<>(tokenService)).addMapping("/token"));
        }
        return startWith(registry, info, null);
    }

    /**
     * Starts Undertow with {@code servlet} declared by class (Undertow creates it, as from web.xml) at
     * {@code /v2/*} and {@code setup} run before any servlet starts; {@code setup} decides what to attach. The
     * returned server owns {@code registry} and closes it.
     */
    public static UndertowRegistryServer startDeclared(Registry registry, Class<? extends RegistryServlet> servlet,
                                                       ServletContainerInitializer setup) throws Exception {
        Objects.requireNonNull(registry, "registry");
        return startWith(registry, Servlets.deployment()
                .addServletContainerInitializer(new ServletContainerInitializerInfo(setup.getClass(),
                        new ImmediateInstanceFactory<>(setup), Set.of()))
                .addServlet(Servlets.servlet("wharf", servlet).addMapping("/v2/*").setAsyncSupported(true)), null);
    }

    private static UndertowRegistryServer startWith(Registry registry, DeploymentInfo servlets, Filter filter)
            throws Exception {
        DeploymentInfo info = servlets
                .setClassLoader(UndertowRegistryServer.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("wharf");
        if (filter != null) {
            info.addFilter(Servlets.filter("test", Filter.class, new ImmediateInstanceFactory<>(filter))
                            .setAsyncSupported(true)) // so the servlet behind it can use non-blocking I/O
                    .addFilterUrlMapping("test", "/*", DispatcherType.REQUEST);
        }
        ServletContainer container = ServletContainer.Factory.newInstance();
        DeploymentManager deployment = container.addDeployment(info);
        Undertow server = null;
        try {
            deployment.deploy();
            HttpHandler handler = deployment.start();
            server = Undertow.builder()
                    .addHttpListener(0, "127.0.0.1")
                    // Undertow 2.3 refuses request bodies over 2 MiB by default (a bare 400 before the servlet
                    // runs); layers are routinely larger, so any registry on Undertow must lift the limit.
                    // Wharf bounds what it buffers itself (manifests: 413 beyond maxManifestBytes).
                    .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, NO_LIMIT)
                    .setHandler(handler)
                    .build();
            server.start();
        } catch (Exception e) {
            if (server != null) {
                server.stop();
            }
            undeployQuietly(deployment, e);
            registry.close();
            throw e;
        }
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        URI base = URI.create("http://127.0.0.1:" + address.getPort());
        return new UndertowRegistryServer(server, deployment, registry, base);
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
            deployment.stop();
            deployment.undeploy();
        } catch (Exception e) {
            throw new IllegalStateException("Undertow did not stop cleanly", e);
        } finally {
            registry.close();
        }
    }

    @Override
    public String toString() {
        return "Undertow " + baseUri;
    }

    private static void undeployQuietly(DeploymentManager deployment, Exception cause) {
        try {
            deployment.stop();
            deployment.undeploy();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }
}
