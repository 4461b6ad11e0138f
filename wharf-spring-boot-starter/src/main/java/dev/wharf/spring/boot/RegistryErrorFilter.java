package dev.wharf.spring.boot;

import dev.wharf.servlet.ErrorEnvelope;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Keeps Spring's error handling off the registry's path: an error that a filter or the container reports with
 * {@code sendError} there (Spring Security refusing a request, say) is answered at once in the distribution spec's
 * envelope, {@code {"errors":[{"code","message"}]}}, instead of being forwarded to Spring's {@code /error}, whose
 * JSON no registry client reads.
 */
public final class RegistryErrorFilter extends OncePerRequestFilter {
    private final RegistryPaths paths;

    RegistryErrorFilter(RegistryPaths paths) {
        this.paths = paths;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !paths.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, new HttpServletResponseWrapper(response) {
            @Override
            public void sendError(int status, String message) throws IOException {
                envelope(response, status, message);
            }

            @Override
            public void sendError(int status) throws IOException {
                envelope(response, status, (String) null);
            }
        });
    }

    /** Writes the envelope for {@code status}, unless the answer has begun (then only the status can go). */
    public static void envelope(HttpServletResponse response, int status, String message) throws IOException {
        envelope(response, status, ErrorEnvelope.forStatus(status, message));
    }

    /** Writes {@code body}, an envelope ({@link ErrorEnvelope}), with {@code status}, unless the answer has begun. */
    public static void envelope(HttpServletResponse response, int status, byte[] body) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(ErrorEnvelope.MEDIA_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}
