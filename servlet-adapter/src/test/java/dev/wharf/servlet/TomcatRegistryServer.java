package dev.wharf.servlet;

import dev.wharf.api.Registry;
import dev.wharf.servlet.suite.ContainerQuirk;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletContainerInitializer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@link RegistryServlet} at {@code /v2/*} in an embedded Tomcat 11 on an ephemeral port of 127.0.0.1, set up
 * the way docs/embedding.md shows an embedder doing it ({@code Tomcat.addServlet}, {@code addServletMappingDecoded}).
 *
 * <p>Tomcat needs a base directory for its work files; the fixture makes a temporary one and deletes it on
 * {@link #close()}. No connector or context setting is relaxed. Tomcat collapses {@code //} and resolves
 * {@code ..} in {@code getPathInfo()}; the servlet routes the raw URI, so invalid names still get
 * {@code NAME_INVALID}. A truncated request body gets Tomcat's own 400 ({@link #quirks()}).
 */
public final class TomcatRegistryServer implements RegistryServer {
    private final Tomcat tomcat;
    private final Registry registry;
    private final Path baseDir;
    private final URI baseUri;
    private boolean closed;

    private TomcatRegistryServer(Tomcat tomcat, Registry registry, Path baseDir, URI baseUri) {
        this.tomcat = tomcat;
        this.registry = registry;
        this.baseDir = baseDir;
        this.baseUri = baseUri;
    }

    /** Starts Tomcat serving {@code registry}; the returned server owns the registry and closes it. */
    public static TomcatRegistryServer start(Registry registry) throws Exception {
        return start(registry, null);
    }

    /**
     * Starts Tomcat serving {@code registry} behind {@code filter} (for example one that authenticates the
     * caller), or no filter when null; the returned server owns the registry and closes it.
     */
    public static TomcatRegistryServer start(Registry registry, Filter filter) throws Exception {
        return start(registry, filter, TransferLimits.defaults());
    }

    /** As {@link #start(Registry, Filter)}, with the servlet holding transfers to {@code limits}. */
    public static TomcatRegistryServer start(Registry registry, Filter filter, TransferLimits limits) throws Exception {
        return start(registry, filter, new RegistryServlet(registry, limits));
    }

    /** As {@link #start(Registry, Filter)}, serving through {@code servlet}, made over {@code registry}. */
    public static TomcatRegistryServer start(Registry registry, Filter filter, RegistryServlet servlet) throws Exception {
        Objects.requireNonNull(registry, "registry");
        return startWith(registry, filter, context -> Tomcat.addServlet(context, "wharf", servlet));
    }

    /**
     * Starts Tomcat serving {@code registry} through {@code authenticator}, with {@code tokenService} (when not
     * null) at {@code /token}; the returned server owns the registry and closes it.
     */
    public static TomcatRegistryServer startSecured(Registry registry, dev.wharf.servlet.auth.Authenticator authenticator,
                                                    jakarta.servlet.http.HttpServlet tokenService) throws Exception {
        Objects.requireNonNull(registry, "registry");
        return startWith(registry, null, context -> {
            if (tokenService != null) {
                Tomcat.addServlet(context, "token", tokenService);
                context.addServletMappingDecoded("/token", "token");
            }
            return Tomcat.addServlet(context, "wharf", new RegistryServlet(registry, TransferLimits.defaults(),
                    authenticator));
        });
    }

    /**
     * Starts Tomcat with {@code servlet} declared by class name (Tomcat creates it, as from web.xml) at
     * {@code /v2/*} and {@code setup} run before any servlet starts; {@code setup} decides what to attach. The
     * returned server owns {@code registry} and closes it.
     */
    public static TomcatRegistryServer startDeclared(Registry registry, Class<? extends RegistryServlet> servlet,
                                                     ServletContainerInitializer setup) throws Exception {
        Objects.requireNonNull(registry, "registry");
        return startWith(registry, null, context -> {
            context.addServletContainerInitializer(setup, null);
            return Tomcat.addServlet(context, "wharf", servlet.getName());
        });
    }

    private static TomcatRegistryServer startWith(Registry registry, Filter filter, Function<Context, Wrapper> deploy)
            throws Exception {
        Path baseDir = Files.createTempDirectory("wharf-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);

        Context context = tomcat.addContext("", null);
        Wrapper wharf = deploy.apply(context);
        wharf.setAsyncSupported(true);
        context.addServletMappingDecoded("/v2/*", "wharf");
        if (filter != null) {
            FilterDef definition = new FilterDef();
            definition.setFilterName("test");
            definition.setFilter(filter);
            definition.setAsyncSupported("true"); // so the servlet behind it can use non-blocking I/O
            context.addFilterDef(definition);
            FilterMap mapping = new FilterMap();
            mapping.setFilterName("test");
            mapping.addURLPatternDecoded("/*");
            context.addFilterMap(mapping);
        }
        try {
            tomcat.start();
        } catch (LifecycleException | RuntimeException e) {
            stopQuietly(tomcat, e);
            registry.close();
            deleteTree(baseDir);
            throw e;
        }
        URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
        return new TomcatRegistryServer(tomcat, registry, baseDir, base);
    }

    @Override
    public URI baseUri() {
        return baseUri;
    }

    /** Tomcat answers a truncated request body with its own 400 (see {@link ContainerQuirk}). */
    @Override
    public Set<ContainerQuirk> quirks() {
        return Set.of(ContainerQuirk.ANSWERS_TRUNCATED_BODY_ITSELF,
                ContainerQuirk.CLOSES_TRUNCATED_NON_BLOCKING_BODY_UNANSWERED);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop cleanly", e);
        } finally {
            try {
                registry.close();
            } finally {
                deleteTree(baseDir);
            }
        }
    }

    @Override
    public String toString() {
        return "Tomcat " + baseUri;
    }

    private static void stopQuietly(Tomcat tomcat, Exception cause) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
