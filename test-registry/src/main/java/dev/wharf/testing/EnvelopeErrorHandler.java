package dev.wharf.testing;

import dev.wharf.servlet.ErrorEnvelope;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Jetty's own refusals in the registry's error envelope ({@link ErrorEnvelope}) instead of its HTML page:
 * everything Jetty answers before or around the {@code RegistryServlet}, such as a malformed request line or
 * header (400), an ambiguous path ({@code %2F}, {@code %2e%2e}, {@code %25}: 400), headers or a URI too large
 * (431, 414), an unknown HTTP version (505) or a path outside {@code /v2/} (404).
 *
 * <p>Installed on the server (for requests refused before any context is chosen) and on the servlet context
 * (for its own {@code sendError}s). Unlike Jetty's default, every method gets a body, not only GET and POST,
 * and the client's {@code Accept} header does not change the format: a registry client expects JSON errors.
 * HEAD answers carry the headers only.
 */
final class EnvelopeErrorHandler extends ErrorHandler {
    private static final String API_VERSION_HEADER = "Docker-Distribution-API-Version";
    private static final String API_VERSION = "registry/2.0";
    /** Jetty's own 404s are for paths outside the servlet's mapping (under it, the servlet answers). */
    private static final String OUTSIDE_THE_API = "unknown endpoint: this registry serves the OCI API under /v2/";

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        byte[] body = ErrorEnvelope.forStatus(code, code == HttpStatus.NOT_FOUND_404 ? OUTSIDE_THE_API : message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ErrorEnvelope.MEDIA_TYPE);
        response.getHeaders().put(API_VERSION_HEADER, API_VERSION);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
