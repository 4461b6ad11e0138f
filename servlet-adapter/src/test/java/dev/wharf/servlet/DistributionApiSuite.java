package dev.wharf.servlet;

import dev.wharf.servlet.suite.BadManifestSuite;
import dev.wharf.servlet.suite.BadReferenceSuite;
import dev.wharf.servlet.suite.BadUploadSuite;
import dev.wharf.servlet.suite.BlobPushSuite;
import dev.wharf.servlet.suite.DiscoverySuite;
import dev.wharf.servlet.suite.ManagementSuite;
import dev.wharf.servlet.suite.ManifestPushSuite;
import dev.wharf.servlet.suite.PullSuite;
import dev.wharf.servlet.suite.ReferrersSuite;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.TagRefSuite;
import dev.wharf.servlet.suite.UnknownContentSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole HTTP workflow suite against one running registry. A concrete subclass says how to start the
 * server (container + storage backend); every nested suite then runs against it:
 *
 * <pre>{@code
 * class TomcatRocksDbDistributionApiTest extends DistributionApiSuite {
 *     protected RegistryServer startServer() throws Exception {
 *         return TomcatRegistryServer.start(Registry.builder().metadataStore(...).build());
 *     }
 * }
 * }</pre>
 *
 * <p>One server serves the whole class (started before the first test, closed after the last); tests use
 * fresh repository names and content, so they stay independent of each other and of their order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DistributionApiSuite {
    private RegistryServer server;
    private RegistryHttp http;

    /** Starts the registry under test; called once per concrete test class. */
    protected abstract RegistryServer startServer() throws Exception;

    @BeforeAll
    final void startRegistry() throws Exception {
        server = startServer();
        http = new RegistryHttp(server.baseUri(), server.quirks());
    }

    @AfterAll
    final void stopRegistry() {
        if (server != null) {
            server.close();
        }
    }

    /** The client every nested suite uses. */
    protected final RegistryHttp registryHttp() {
        if (http == null) {
            throw new IllegalStateException("the registry server did not start");
        }
        return http;
    }

    @Nested
    class Pull extends PullSuite {
        @Override
        protected RegistryHttp http() {
            return registryHttp();
        }
    }

    @Nested
    class PushBlobs extends BlobPushSuite {
        @Override
        protected RegistryHttp http() {
            return registryHttp();
        }
    }

    @Nested
    class PushManifests extends ManifestPushSuite {
        @Override
        protected RegistryHttp http() {
            return registryHttp();
        }
    }

    @Nested
    class Discovery extends DiscoverySuite {
        @Override
        protected RegistryHttp http() {
            return registryHttp();
        }
    }

    @Nested
    class Referrers extends ReferrersSuite {
        @Override
        protected RegistryHttp http() {
            return registryHttp();
        }
    }

    @Nested
    class Management extends ManagementSuite {
        @Override
        protected RegistryHttp http() {
            return registryHttp();
        }
    }

    @Nested
    class BadReferences extends BadReferenceSuite {
        @Override
        protected RegistryHttp http() {
            return registryHttp();
        }
    }

    @Nested
    class BadUploads extends BadUploadSuite {
        @Override
        protected RegistryHttp http() {
            return registryHttp();
        }
    }

    @Nested
    class BadManifests extends BadManifestSuite {
        @Override
        protected RegistryHttp http() {
            return registryHttp();
        }
    }

    @Nested
    class UnknownContent extends UnknownContentSuite {
        @Override
        protected RegistryHttp http() {
            return registryHttp();
        }
    }

    @Nested
    class TagRefs extends TagRefSuite {
        @Override
        protected RegistryHttp http() {
            return registryHttp();
        }
    }
}
