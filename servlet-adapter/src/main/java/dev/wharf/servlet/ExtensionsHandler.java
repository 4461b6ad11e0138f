package dev.wharf.servlet;

import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API root and extension discovery: end-1 ({@code GET /v2/}, spec "Determining Support"), answered
 * {@code 200 {}}, and {@code GET /v2/_oci/ext/discover} / {@code GET /v2/<name>/_oci/ext/discover}
 * (OCI distribution-spec extensions, {@code _oci} namespace), which lists what this registry offers beyond
 * the core API:
 * <pre>{@code
 * {"extensions": [{"name": "_oci", "description": "...", "url": "...", "endpoints": ["_oci/ext/discover"]}]}
 * }</pre>
 * Authentication for end-1 is the container's business: a container that challenges unauthenticated
 * requests answers 401 before this servlet runs.
 */
final class ExtensionsHandler {
    private static final String MOUNT_SPEC_URL =
            "https://github.com/opencontainers/distribution-spec/blob/main/spec.md#mounting-a-blob-from-another-repository";
    private static final String OCI_EXTENSIONS_URL =
            "https://github.com/opencontainers/distribution-spec/blob/main/extensions/_oci.md";

    /** end-1: GET {@code /v2/}. */
    void base(Exchange ex) throws IOException {
        ex.sendJson(HttpServletResponse.SC_OK, Map.of());
    }

    /** GET {@code /v2/_oci/ext/discover}. */
    void discover(Exchange ex) throws IOException {
        ex.sendJson(HttpServletResponse.SC_OK, Map.of("extensions", List.of(ociExtension(), wharfFeatures())));
    }

    /** GET {@code /v2/<name>/_oci/ext/discover}: the same list; the name is validated (400 NAME_INVALID). */
    void discoverInRepository(Exchange ex) throws IOException {
        ex.name();
        discover(ex);
    }

    /**
     * Wharf's behaviour beyond the core spec that clients may rely on: automatic mounting ({@code POST
     * ?mount=<digest>} without {@code from}, and {@code POST ?digest=<digest>} with an empty body, link a
     * blob from any repository the caller may pull) and conditional tag updates ({@code If-Match} /
     * {@code If-None-Match} on manifest PUT). It adds no endpoints.
     */
    private static Map<String, Object> wharfFeatures() {
        Map<String, Object> extension = new LinkedHashMap<>();
        extension.put("name", "_wharf");
        extension.put("description", "Wharf registry features: automatic blob mounting without 'from' (from any"
                + " repository the caller may pull) and conditional tag updates with If-Match/If-None-Match");
        extension.put("url", MOUNT_SPEC_URL);
        extension.put("endpoints", List.of());
        extension.put("features", Map.of("automaticMount", true, "conditionalTagUpdates", true));
        return extension;
    }

    private static Map<String, Object> ociExtension() {
        Map<String, Object> extension = new LinkedHashMap<>();
        extension.put("name", "_oci");
        extension.put("description", "extension discovery: lists the extensions this registry supports");
        extension.put("url", OCI_EXTENSIONS_URL);
        extension.put("endpoints", List.of("_oci/ext/discover"));
        return extension;
    }
}
