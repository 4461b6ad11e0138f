package dev.wharf.spring.boot;

import jakarta.servlet.http.HttpServletRequest;

/** Whether a request is for the registry's API, by its path under the application's context path. */
public final class RegistryPaths {
    private final String path;

    public RegistryPaths(String path) {
        String p = path == null || path.isBlank() ? "/v2" : path.trim();
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        this.path = p;
    }

    /** The path, without a trailing slash ({@code /v2}). */
    public String path() {
        return path;
    }

    /** The servlet mapping ({@code /v2/*}). */
    public String mapping() {
        return path + "/*";
    }

    /** True for {@code /v2} and everything under {@code /v2/}. */
    public boolean matches(HttpServletRequest request) {
        String local = local(request);
        return local.equals(path) || local.startsWith(path + "/");
    }

    /** True for the API root, {@code /v2/} (or {@code /v2}). */
    public boolean isBase(HttpServletRequest request) {
        String local = local(request);
        return local.equals(path) || local.equals(path + "/");
    }

    /** The request's path below the application's context path, as sent. */
    public static String local(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }
}
