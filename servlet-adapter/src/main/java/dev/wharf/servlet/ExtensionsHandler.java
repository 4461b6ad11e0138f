package dev.wharf.servlet;

import dev.wharf.api.ContentRule;
import dev.wharf.api.RepositoryName;
import java.util.Optional;

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
    private static final byte[] EMPTY_OBJECT = {(byte) '{', (byte) '}'};
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
        // Constant, so the version check clients poll with (and a fresh server's first answer) needs no JSON writer.
        ex.send(HttpServletResponse.SC_OK, "application/json", EMPTY_OBJECT);
    }

    /** GET {@code /v2/_oci/ext/discover}. */
    void discover(Exchange ex) throws IOException {
        ex.sendJson(HttpServletResponse.SC_OK, Map.of("extensions", List.of(ociExtension(),
                wharfFeatures(Optional.empty()))));
    }

    /**
     * GET {@code /v2/<name>/_oci/ext/discover}: the same list, with the content policy that applies to the
     * repository's namespace; the name is validated (400 NAME_INVALID).
     */
    void discoverInRepository(Exchange ex) throws IOException {
        RepositoryName name = ex.name();
        ex.sendJson(HttpServletResponse.SC_OK, Map.of("extensions", List.of(ociExtension(),
                wharfFeatures(Optional.of(name)))));
    }

    /**
     * How the content policy governs each field in {@code repository}: {@code allow-list}, {@code deny-list} or
     * {@code allow-and-deny-lists}, keyed by the field's name; fields without rules are left out. The rules
     * themselves are not shown.
     */
    private Map<String, String> contentPolicy(RepositoryName repository) {
        Map<String, String> modes = new LinkedHashMap<>();
        ContentRule.modes(config.contentRules(), repository).forEach((field, mode) -> modes.put(field.label(), mode));
        return modes;
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
     *       ({@link RegistryConfig#protectTaggedManifests()});</li>
     *   <li>{@code quotas}: true when pushes are held to quotas, and then {@code quotaRefusalCode}, the error code
     *       a push over quota is refused with ({@code DENIED} or {@code QUOTA_EXCEEDED});</li>
     *   <li>{@code contentPolicy}: true when some media types are refused; in a repository's document,
     *       {@code contentPolicyHere} says for each governed field whether an allow list, a deny list or both
     *       apply there (never what they hold).</li>
     * </ul>
     * Its endpoints {@code _wharf/ext/events}, {@code _wharf/ext/usage}, {@code _wharf/ext/search} and
     * {@code <name>/_wharf/ext/tags} serve the event log ({@link EventsHandler}), quota usage
     * ({@link UsageHandler}) and search ({@link SearchHandler}).
     */
    private Map<String, Object> wharfFeatures(Optional<RepositoryName> repository) {
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("automaticMount", true);
        features.put("conditionalTagUpdates", true);
        features.put("deletes", config.deletesEnabled());
        features.put("immutableTags", !config.immutableTags().isEmpty());
        features.put("taggedManifestProtection", config.protectTaggedManifests());
        features.put("quotas", config.quotaPolicy().isPresent());
        if (config.quotaPolicy().isPresent()) {
            features.put("quotaRefusalCode", config.quotaRefusalCode().wireCode());
        }
        features.put("contentPolicy", !config.contentRules().isEmpty());
        repository.ifPresent(name -> features.put("contentPolicyHere", contentPolicy(name)));
        Map<String, Object> extension = new LinkedHashMap<>();
        extension.put("name", "_wharf");
        extension.put("description", "Wharf registry features: automatic blob mounting without 'from' (from any"
                + " repository the caller may pull), conditional tag updates with If-Match/If-None-Match, and the"
                + " delete, tag, quota and content policies this registry is configured with, its event log at"
                + " _wharf/ext/events, quota usage at _wharf/ext/usage, search of tags at _wharf/ext/search and of"
                + " one repository's tags at <name>/_wharf/ext/tags");
        extension.put("url", MOUNT_SPEC_URL);
        extension.put("endpoints", List.of("_wharf/ext/events", "_wharf/ext/usage", "_wharf/ext/search",
                "_wharf/ext/tags"));
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
