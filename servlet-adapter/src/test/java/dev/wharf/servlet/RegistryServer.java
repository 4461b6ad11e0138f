package dev.wharf.servlet;

import dev.wharf.servlet.suite.ContainerQuirk;

import java.net.URI;
import java.util.Set;

/**
 * A running HTTP registry the workflow suite talks to: any servlet container hosting
 * {@link RegistryServlet} over any storage backend. {@link #close()} stops the container and closes the
 * registry behind it; it must be idempotent and reports failures unchecked.
 */
public interface RegistryServer extends AutoCloseable {

    /** Where the server listens, without a trailing slash, e.g. {@code http://127.0.0.1:41234}. */
    URI baseUri();

    /** What the container does on its own that the suite must accept; none by default. */
    default Set<ContainerQuirk> quirks() {
        return Set.of();
    }

    @Override
    void close();
}
