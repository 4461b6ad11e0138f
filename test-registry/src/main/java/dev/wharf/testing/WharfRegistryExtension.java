package dev.wharf.testing;

import dev.wharf.api.Registry;
import dev.wharf.api.RegistryBuilder;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * JUnit 5 extension that runs a {@link TestRegistry} for a test class or for each test.
 *
 * <p>Lifecycle follows where the extension is registered:
 * <ul>
 *   <li>a {@code static} field annotated {@code @RegisterExtension}, or {@code @ExtendWith} on the class:
 *       one registry for the whole class (nested classes included), started before {@code @BeforeAll}
 *       methods and closed after {@code @AfterAll} methods;</li>
 *   <li>an instance field annotated {@code @RegisterExtension}, or {@code @ExtendWith} on a method: a fresh
 *       registry for each test, closed after its {@code @AfterEach} methods (one per class when the class
 *       uses {@code @TestInstance(PER_CLASS)}, since its instance fields then live as long as the class).</li>
 * </ul>
 * Registries are closed through JUnit's {@link ExtensionContext.Store}, so a failing test or callback never
 * leaks one. Test constructors, lifecycle methods and test methods may declare a {@link TestRegistry}
 * parameter to receive the running instance.
 *
 * <pre>{@code
 * class PushTest {
 *     @RegisterExtension
 *     static WharfRegistryExtension registry = WharfRegistryExtension.builder()
 *             .engine(engine -> engine.deletesEnabled(false))
 *             .build();
 *
 *     @Test
 *     void shouldPushWhenRegistryIsEmpty() {
 *         String image = registry.hostPort() + "/team/app:1.0";
 *         ...
 *     }
 * }
 *
 * @ExtendWith(WharfRegistryExtension.class)
 * class PullTest {
 *     @Test
 *     void shouldPull(TestRegistry registry) { ... }
 * }
 * }</pre>
 *
 * <p>Options written once as {@link TestRegistryOptions} serve both the extension and registries started
 * directly: {@code WharfRegistryExtension.builder().options(OPTIONS).build()} and
 * {@code TestRegistry.start(OPTIONS)}.
 *
 * <p>One extension instance per test class: two registered extensions would both offer a
 * {@link TestRegistry} parameter, which JUnit refuses as ambiguous; use their fields instead.
 */
public final class WharfRegistryExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(WharfRegistryExtension.class);

    private final TestRegistryOptions options;
    /** The registry most recently obtained, for the accessors used from test code. */
    private volatile TestRegistry current;

    /** Defaults: in memory, 127.0.0.1, ephemeral port. This is the constructor {@code @ExtendWith} uses. */
    public WharfRegistryExtension() {
        this(TestRegistryOptions.defaults());
    }

    private WharfRegistryExtension(TestRegistryOptions options) {
        this.options = options;
    }

    /** Options for the registries this extension starts. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        obtain(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // Finds the class-level registry when there is one (stores look up their parents), else starts one.
        obtain(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return obtain(extensionContext);
    }

    /**
     * The running registry.
     *
     * @throws IllegalStateException outside a test, or once the registry has been closed
     */
    public TestRegistry testRegistry() {
        TestRegistry registry = current;
        if (registry == null || registry.isClosed()) {
            throw new IllegalStateException("no running registry: WharfRegistryExtension starts one for a test "
                    + "class (static field or @ExtendWith) or for each test (instance field); use it from there");
        }
        return registry;
    }

    /** {@link TestRegistry#baseUri()} of the running registry. */
    public URI baseUri() {
        return testRegistry().baseUri();
    }

    /** {@link TestRegistry#hostPort()} of the running registry, for image references. */
    public String hostPort() {
        return testRegistry().hostPort();
    }

    /** {@link TestRegistry#port()} of the running registry. */
    public int port() {
        return testRegistry().port();
    }

    /**
     * {@link TestRegistry#sslContext()} of the running registry: a client context that trusts it, when it serves
     * TLS ({@link Builder#tls()}).
     *
     * @throws IllegalStateException when the registry serves plain HTTP, or outside a test
     */
    public SSLContext sslContext() {
        return testRegistry().sslContext();
    }

    /** The engine of the running registry, for direct Java calls. */
    public Registry registry() {
        return testRegistry().registry();
    }

    private TestRegistry obtain(ExtensionContext context) {
        Handle handle = context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(this, key -> new Handle(TestRegistry.start(options)), Handle.class);
        current = handle.registry();
        return handle.registry();
    }

    /**
     * Closes the registry when JUnit closes the store it lives in. JUnit 5.13 and later close
     * {@link AutoCloseable} values; earlier versions close {@code CloseableResource}s. Either way it is
     * closed once, and {@link TestRegistry#close()} is idempotent anyway.
     */
    @SuppressWarnings("deprecation")
    private record Handle(TestRegistry registry) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            registry.close();
        }
    }

    /**
     * Options for {@link WharfRegistryExtension}: a {@link TestRegistryOptions} value, the same one
     * {@link TestRegistry#start(TestRegistryOptions)} takes, refined one call at a time if need be.
     */
    public static final class Builder {
        private TestRegistryOptions options = TestRegistryOptions.defaults();

        private Builder() {
        }

        /**
         * Starts from {@code options}, replacing whatever was set before; later calls refine them. This is how a
         * suite shares one set of options between the extension and {@link TestRegistry#start(TestRegistryOptions)}.
         */
        public Builder options(TestRegistryOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** A fixed TCP port; by default each registry gets a free ephemeral one. */
        public Builder port(int port) {
            options = options.withPort(port);
            return this;
        }

        /** The address to bind; 127.0.0.1 by default. */
        public Builder host(String host) {
            options = options.withHost(host);
            return this;
        }

        /**
         * Keeps metadata and blobs on disk in {@code directory}; see {@link TestRegistryOptions#withDataDirectory}.
         * Registries started one after another on the same directory see each other's content.
         */
        public Builder dataDirectory(Path directory) {
            options = options.withDataDirectory(directory);
            return this;
        }

        /**
         * Serves HTTPS with a throwaway CA made for each registry; see {@link TestRegistryOptions#withGeneratedTls()}.
         * Clients trust it through {@link WharfRegistryExtension#sslContext()} or
         * {@link TestRegistry#caCertificatePem()}.
         */
        public Builder tls() {
            options = options.withGeneratedTls();
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

        /** Customises the engine of each registry started; see {@link TestRegistryOptions#withEngine(Consumer)}. */
        public Builder engine(Consumer<RegistryBuilder> customizer) {
            options = options.withEngine(customizer);
            return this;
        }

        /** Requires Basic credentials; adds a user. See {@link TestRegistryOptions#withBasicAuth(String, String)}. */
        public Builder basicAuth(String user, String password) {
            options = options.withBasicAuth(user, password);
            return this;
        }

        /** Requires tokens of the registry's own token service; adds a user. See {@link TestRegistryOptions#withTokenAuth(String, String)}. */
        public Builder tokenAuth(String user, String password) {
            options = options.withTokenAuth(user, password);
            return this;
        }

        /** Lets anonymous callers pull what {@code glob} matches. See {@link TestRegistryOptions#withAnonymousPull(String)}. */
        public Builder anonymousPull(String glob) {
            options = options.withAnonymousPull(glob);
            return this;
        }

        /** An extension that starts its registries with these options. */
        public WharfRegistryExtension build() {
            return new WharfRegistryExtension(options);
        }
    }
}
