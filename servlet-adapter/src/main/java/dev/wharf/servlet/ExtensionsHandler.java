package dev.wharf.servlet;

import dev.wharf.api.RegistryConfig;
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

    private final RegistryConfig config;

    /** @param config the registry's configuration, which the discovery document reports */
    ExtensionsHandler(RegistryConfig config) {
        this.config = config;
    }

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
     * Wharf's behaviour beyond the core spec that clients may rely on, as this registry is configured, in
     * {@code features}:
     * <ul>
     *   <li>{@code automaticMount}: {@code POST ?mount=<digest>} without {@code from}, and {@code POST
     *       ?digest=<digest>} with an empty body, link a blob from any repository the caller may pull;</li>
     *   <li>{@code conditionalTagUpdates}: {@code If-Match} / {@code If-None-Match} on manifest PUT;</li>
     *   <li>{@code deletes}: false when every delete answers 405 UNSUPPORTED
     *       ({@link RegistryConfig#deletesEnabled()});</li>
     *   <li>{@code immutableTags}: true when some tags can never move or be deleted
     *       ({@link RegistryConfig#immutableTags()});</li>
     *   <li>{@code taggedManifestProtection}: true when a manifest cannot be deleted by digest while tagged
     *       ({@link RegistryConfig#protectTaggedManifests()}).</li>
     * </ul>
     * Its endpoint {@code _wharf/ext/events} serves the event log ({@link EventsHandler}).
     */
    private Map<String, Object> wharfFeatures() {
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("automaticMount", true);
        features.put("conditionalTagUpdates", true);
        features.put("deletes", config.deletesEnabled());
        features.put("immutableTags", !config.immutableTags().isEmpty());
        features.put("taggedManifestProtection", config.protectTaggedManifests());
        Map<String, Object> extension = new LinkedHashMap<>();
        extension.put("name", "_wharf");
        extension.put("description", "Wharf registry features: automatic blob mounting without 'from' (from any"
                + " repository the caller may pull), conditional tag updates with If-Match/If-None-Match, and the"
                + " delete and tag policies this registry is configured with, and its event log at"
                + " _wharf/ext/events");
        extension.put("url", MOUNT_SPEC_URL);
        extension.put("endpoints", List.of("_wharf/ext/events"));
        extension.put("features", features);
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
