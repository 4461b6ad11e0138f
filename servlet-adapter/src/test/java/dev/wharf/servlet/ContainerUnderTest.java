package dev.wharf.servlet;

import dev.wharf.api.Registry;
import dev.wharf.servlet.auth.Authenticator;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;

/**
 * The containers every HTTP behaviour is tested on, for tests that need a registry of their own (a policy,
 * an authorizer, a setting the shared workflow suite's registry does not have): {@code @EnumSource} over
 * this enum runs such a test on each.
 */
enum ContainerUnderTest {
    JETTY {
        @Override
        RegistryServer start(Registry registry, Filter filter, TransferLimits limits) throws Exception {
            return JettyRegistryServer.start(registry, filter, limits);
        }

        @Override
        RegistryServer start(Registry registry, Filter filter, RegistryServlet servlet) throws Exception {
            return JettyRegistryServer.start(registry, filter, servlet);
        }

        @Override
        RegistryServer startSecured(Registry registry, Authenticator authenticator, HttpServlet tokenService)
                throws Exception {
            return JettyRegistryServer.startSecured(registry, authenticator, tokenService);
        }
    },
    TOMCAT {
        @Override
        RegistryServer start(Registry registry, Filter filter, TransferLimits limits) throws Exception {
            return TomcatRegistryServer.start(registry, filter, limits);
        }

        @Override
        RegistryServer start(Registry registry, Filter filter, RegistryServlet servlet) throws Exception {
            return TomcatRegistryServer.start(registry, filter, servlet);
        }

        @Override
        RegistryServer startSecured(Registry registry, Authenticator authenticator, HttpServlet tokenService)
                throws Exception {
            return TomcatRegistryServer.startSecured(registry, authenticator, tokenService);
        }
    },
    UNDERTOW {
        @Override
        RegistryServer start(Registry registry, Filter filter, TransferLimits limits) throws Exception {
            return UndertowRegistryServer.start(registry, filter, limits);
        }

        @Override
        RegistryServer start(Registry registry, Filter filter, RegistryServlet servlet) throws Exception {
            return UndertowRegistryServer.start(registry, filter, servlet);
        }

        @Override
        RegistryServer startSecured(Registry registry, Authenticator authenticator, HttpServlet tokenService)
                throws Exception {
            return UndertowRegistryServer.startSecured(registry, authenticator, tokenService);
        }
    };

    /**
     * Starts this container serving {@code registry} behind {@code filter} (none when null), with the default
     * {@link TransferLimits}; the server owns the registry and closes it.
     */
    RegistryServer start(Registry registry, Filter filter) throws Exception {
        return start(registry, filter, TransferLimits.defaults());
    }

    /**
     * Starts this container serving {@code registry} behind {@code filter} (none when null), with the servlet
     * holding transfers to {@code limits}.
     */
    abstract RegistryServer start(Registry registry, Filter filter, TransferLimits limits) throws Exception;

    /**
     * Starts this container serving {@code registry} behind {@code filter} (none when null) through {@code servlet},
     * made over that registry (with a rate limiter, say); the server owns the registry and closes it.
     */
    abstract RegistryServer start(Registry registry, Filter filter, RegistryServlet servlet) throws Exception;

    /**
     * Starts this container serving {@code registry} through {@code authenticator}, with {@code tokenService} at
     * {@code /token} when not null; the server owns the registry and closes it.
     */
    abstract RegistryServer startSecured(Registry registry, Authenticator authenticator, HttpServlet tokenService)
            throws Exception;
}
