package dev.wharf.servlet;

import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.Registry;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RegistryServlet} declared by class name, as {@code web.xml} or an annotation declares it, so that the
 * container creates it with the no-argument constructor: it serves the registry
 * {@link RegistryServlet#attach attached} to its servlet context, and without one it fails to initialise with
 * a message that says how to attach one. On Jetty, Tomcat and Undertow.
 */
class DeclaredServletHttpTest {
    private static final byte[] BLOB = Content.utf8("served by the attached registry\n");

    /** A container that creates the servlet from its class, with a setup run before the servlet starts. */
    enum Container {
        JETTY, TOMCAT, UNDERTOW;

        RegistryServer start(Registry registry, Class<? extends RegistryServlet> servlet,
                             ServletContainerInitializer setup) throws Exception {
            return switch (this) {
                case JETTY -> JettyRegistryServer.startDeclared(registry, servlet, setup);
                case TOMCAT -> TomcatRegistryServer.startDeclared(registry, servlet, setup);
                case UNDERTOW -> UndertowRegistryServer.startDeclared(registry, servlet, setup);
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void shouldServeAttachedRegistryWhenServletIsDeclaredByClassName(Container container) throws Exception {
        Registry registry = Registry.builder().build();
        Digest digest = Digest.parse(Content.sha256(BLOB));
        registry.pushBlob(Caller.anonymous(), RepositoryName.of("declared/app"), digest, UploadChunk.of(BLOB));
        // The documented path: a ServletContextListener attaches the registry when the context starts.
        Setup setup = new Setup(context -> context.addListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                RegistryServlet.attach(event.getServletContext(), registry);
            }
        }));

        try (RegistryServer server = container.start(registry, RegistryServlet.class, setup)) {
            Response blob = new RegistryHttp(server.baseUri()).get("/v2/declared/app/blobs/" + digest);

            assertThat(blob.status()).as(blob::describe).isEqualTo(200);
            assertThat(blob.body()).isEqualTo(BLOB);
            assertThat(RegistryServlet.attached(setup.context())).containsSame(registry);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void shouldFailInitSayingHowToAttachWhenNoRegistryIsAttached(Container container) throws Exception {
        Setup setup = new Setup(context -> { });

        try (RegistryServer server = container.start(Registry.builder().build(), RecordingServlet.class, setup)) {
            Response refused = new RegistryHttp(server.baseUri()).get("/v2/");

            assertThat(refused.status()).as(refused::describe).isGreaterThanOrEqualTo(500);
            assertThat(RegistryServlet.attached(setup.context())).isEmpty();
            assertThat(RecordingServlet.initFailure(setup.context()))
                    .isInstanceOf(ServletException.class)
                    .hasMessageStartingWith("RegistryServlet has no registry to serve: call "
                            + "RegistryServlet.attach(servletContext, registry) before the servlet starts")
                    .hasMessageContaining("or construct it with new RegistryServlet(registry)");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void shouldFailInitNamingWhatIsThereWhenAttributeHoldsSomethingElse(Container container) throws Exception {
        Setup setup = new Setup(context -> context.setAttribute(RegistryServlet.REGISTRY_ATTRIBUTE, "registry"));

        try (RegistryServer server = container.start(Registry.builder().build(), RecordingServlet.class, setup)) {
            Response refused = new RegistryHttp(server.baseUri()).get("/v2/");

            assertThat(refused.status()).as(refused::describe).isGreaterThanOrEqualTo(500);
            assertThat(RecordingServlet.initFailure(setup.context()))
                    .isInstanceOf(ServletException.class)
                    .hasMessage("ServletContext attribute 'dev.wharf.registry' holds a java.lang.String, not a "
                            + "dev.wharf.api.Registry; set it with RegistryServlet.attach(servletContext, registry)");
        }
    }

    /** What the application's initializer does with the servlet context; keeps the context for the test. */
    @FunctionalInterface
    interface ContextAction {
        void accept(ServletContext context);
    }

    /** Runs {@code action} when the container starts the context, before any servlet starts. */
    static final class Setup implements ServletContainerInitializer {
        private final ContextAction action;
        private final CompletableFuture<ServletContext> context = new CompletableFuture<>();

        Setup(ContextAction action) {
            this.action = action;
        }

        @Override
        public void onStartup(Set<Class<?>> classes, ServletContext servletContext) {
            action.accept(servletContext);
            context.complete(servletContext);
        }

        ServletContext context() throws Exception {
            return context.get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * {@link RegistryServlet} as an application's annotated subclass would be, recording why {@code init}
     * failed in its servlet context, where the test reads it (the container only logs it).
     */
    public static final class RecordingServlet extends RegistryServlet {
        private static final long serialVersionUID = 1L;
        private static final String INIT_FAILURE = RecordingServlet.class.getName() + ".initFailure";

        /** Created by the container from the class name. */
        public RecordingServlet() {
        }

        @Override
        public void init() throws ServletException {
            try {
                super.init();
            } catch (ServletException e) {
                getServletContext().setAttribute(INIT_FAILURE, e);
                throw e;
            }
        }

        static Throwable initFailure(ServletContext context) {
            return (Throwable) context.getAttribute(INIT_FAILURE);
        }
    }
}
