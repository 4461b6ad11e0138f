package dev.wharf.spring.boot;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;

import java.io.IOException;

/**
 * A filter of the application that must never see the registry's requests, passed over for them: Spring's
 * {@code FormContentFilter} reads a {@code PUT} or {@code PATCH} body sent as
 * {@code application/x-www-form-urlencoded} (what {@code curl --data-binary} sends) into memory as form fields,
 * and {@code HiddenHttpMethodFilter} turns a form {@code POST} into another method; both would break blob uploads.
 */
final class RegistryPathBypass implements Filter, Ordered {
    private final Filter delegate;
    private final RegistryPaths paths;

    RegistryPathBypass(Filter delegate, RegistryPaths paths) {
        this.delegate = delegate;
        this.paths = paths;
    }

    /** The filter passed over. */
    Filter delegate() {
        return delegate;
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        delegate.init(config);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && paths.matches(http)) {
            chain.doFilter(request, response);
        } else {
            delegate.doFilter(request, response, chain);
        }
    }

    @Override
    public void destroy() {
        delegate.destroy();
    }

    @Override
    public int getOrder() {
        return delegate instanceof Ordered ordered ? ordered.getOrder() : Ordered.LOWEST_PRECEDENCE;
    }
}
