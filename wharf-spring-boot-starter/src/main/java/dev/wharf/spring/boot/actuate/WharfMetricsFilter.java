package dev.wharf.spring.boot.actuate;

import dev.wharf.spring.boot.RegistryPaths;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Micrometer metrics of the registry's requests, which Spring MVC's own {@code http.server.requests} does not see
 * (the registry is a servlet of its own): {@code wharf.requests} (a timer tagged with the method, the endpoint kind
 * and the status), {@code wharf.bytes.received} and {@code wharf.bytes.sent} (declared body lengths). A request
 * handed to asynchronous I/O is timed until its handler returns, not until its body has moved.
 */
public final class WharfMetricsFilter extends OncePerRequestFilter {
    private final MeterRegistry meters;
    private final RegistryPaths paths;
    private final Counter received;
    private final Counter sent;

    public WharfMetricsFilter(MeterRegistry meters, RegistryPaths paths) {
        this.meters = meters;
        this.paths = paths;
        this.received = Counter.builder("wharf.bytes.received").baseUnit("bytes")
                .description("request bodies the registry received, by their declared length").register(meters);
        this.sent = Counter.builder("wharf.bytes.sent").baseUnit("bytes")
                .description("response bodies the registry sent, by their declared length").register(meters);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !paths.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        long[] declared = {-1};
        HttpServletResponse measured = new jakarta.servlet.http.HttpServletResponseWrapper(response) {
            @Override
            public void setContentLength(int length) {
                declared[0] = length;
                super.setContentLength(length);
            }

            @Override
            public void setContentLengthLong(long length) {
                declared[0] = length;
                super.setContentLengthLong(length);
            }

            @Override
            public void setHeader(String name, String value) {
                note(name, value);
                super.setHeader(name, value);
            }

            @Override
            public void addHeader(String name, String value) {
                note(name, value);
                super.addHeader(name, value);
            }

            private void note(String name, String value) {
                if ("Content-Length".equalsIgnoreCase(name) && value != null) {
                    try {
                        declared[0] = Long.parseLong(value.trim());
                    } catch (NumberFormatException e) {
                        // not a length: nothing to count
                    }
                }
            }
        };
        try {
            chain.doFilter(request, measured);
        } finally {
            Timer.builder("wharf.requests").description("requests to the registry's API")
                    .tag("method", request.getMethod())
                    .tag("endpoint", endpoint(request.getRequestURI()))
                    .tag("status", Integer.toString(response.getStatus()))
                    .register(meters).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            long in = request.getContentLengthLong();
            if (in > 0) {
                received.increment(in);
            }
            if (declared[0] > 0 && !"HEAD".equals(request.getMethod())) {
                sent.increment(declared[0]);
            }
        }
    }

    /** A small, fixed set of endpoint kinds, so that repository names never become tag values. */
    static String endpoint(String uri) {
        if (uri.contains("/blobs/uploads")) {
            return "uploads";
        }
        if (uri.contains("/blobs/")) {
            return "blobs";
        }
        if (uri.contains("/manifests/")) {
            return "manifests";
        }
        if (uri.endsWith("/tags/list")) {
            return "tags";
        }
        if (uri.contains("/referrers/")) {
            return "referrers";
        }
        if (uri.endsWith("/_catalog")) {
            return "catalog";
        }
        if (uri.contains("/_wharf/ext/") || uri.contains("/_oci/ext/")) {
            return "extensions";
        }
        return "base";
    }
}
