package dev.wharf.servlet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The path the route table sees: the request URI exactly as the client sent it, minus the context and servlet
 * paths, percent-decoded but NOT normalised.
 *
 * <p>{@code getPathInfo()} is not good enough for a registry. Containers normalise it: Tomcat turns
 * {@code /v2/a//b/manifests/x} into {@code /a/b/manifests/x} and resolves {@code ..} segments, so a request
 * for the invalid name {@code a//b} would silently read or write repository {@code a/b}. The distribution
 * spec's name grammar must judge the name the client asked for, so the raw URI is used whenever it can be
 * matched to the servlet's mapping; otherwise (a URI the container rewrote beyond recognition, a malformed
 * escape) the container's {@code pathInfo} is the fallback.
 */
final class RequestPath {

    private RequestPath() {
    }

    /**
     * The part of the request path after the servlet mapping.
     *
     * @param requestUri the raw request URI, without query ({@code getRequestURI()})
     * @param contextPath the context path as sent ({@code getContextPath()}, {@code ""} for the root context)
     * @param servletPath the decoded servlet path ({@code getServletPath()}, {@code /v2} for a {@code /v2/*} mapping)
     * @param pathInfo the container's decoded, normalised path info, possibly {@code null}
     * @return the path to route, starting with {@code /}, or {@code pathInfo} when the raw URI does not fit
     */
    static String of(String requestUri, String contextPath, String servletPath, String pathInfo) {
        if (requestUri == null || contextPath == null || servletPath == null || !requestUri.startsWith(contextPath)) {
            return pathInfo;
        }
        Optional<String> decoded = percentDecode(requestUri.substring(contextPath.length()));
        if (decoded.isEmpty() || servletPath.isEmpty() || !decoded.get().startsWith(servletPath)) {
            return pathInfo;
        }
        String rest = decoded.get().substring(servletPath.length());
        if (rest.isEmpty()) {
            return pathInfo;
        }
        return rest.charAt(0) == '/' ? rest : pathInfo;
    }

    /** RFC 3986 percent-decoding as UTF-8; {@code +} stays {@code +}; empty for a malformed escape. */
    static Optional<String> percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return Optional.of(raw);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                byte[] plain = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(plain, 0, plain.length);
                continue;
            }
            if (i + 2 >= raw.length()) {
                return Optional.empty();
            }
            int high = Character.digit(raw.charAt(i + 1), 16);
            int low = Character.digit(raw.charAt(i + 2), 16);
            if (high < 0 || low < 0) {
                return Optional.empty();
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        return Optional.of(bytes.toString(StandardCharsets.UTF_8));
    }
}
