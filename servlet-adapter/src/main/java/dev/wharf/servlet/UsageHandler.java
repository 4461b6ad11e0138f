package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;
import dev.wharf.api.QuotaLimits;
import dev.wharf.api.QuotaStatus;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.Usage;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Quota usage ({@link Registry#usage}, {@link Registry#usageOf}): {@code GET /v2/_wharf/ext/usage?scope=<scope>}
 * answers one scope, {@code GET /v2/<name>/_wharf/ext/usage} every scope counting the repository, each as
 * <pre>{@code
 * {"scope": "team/**", "used": {"bytes": 1024, "manifests": 3, "tags": 2, "repositories": 1},
 *  "limits": {"bytes": 10485760, "manifests": null, "tags": null, "repositories": null}}
 * }</pre>
 * with {@code null} for no limit. Only scopes the caller may read are shown; an unknown scope and one the caller may
 * not read both answer 404 {@code NAME_UNKNOWN}.
 */
final class UsageHandler {
    static final String PATH = "/_wharf/ext/usage";

    private final Registry registry;

    UsageHandler(Registry registry) {
        this.registry = registry;
    }

    /** GET {@code /v2/_wharf/ext/usage?scope=}. */
    void scope(Exchange ex) throws IOException {
        String scope = ex.query().first("scope").filter(s -> !s.isEmpty()).orElseThrow(() -> new RegistryException(
                ErrorCode.NAME_INVALID, "name the quota scope with ?scope=, such as ?scope=team/** or ?scope=team/app",
                Map.of("parameter", "scope")));
        Optional<QuotaStatus> status = registry.usage(ex.caller(), scope);
        if (status.isEmpty()) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "no quota scope '" + scope + "' you may read",
                    Map.of("scope", scope));
        }
        ex.sendJson(HttpServletResponse.SC_OK, json(status.get()));
    }

    /** GET {@code /v2/<name>/_wharf/ext/usage}: {@code {"scopes": [...]}}. */
    void repository(Exchange ex) throws IOException {
        List<Map<String, Object>> scopes = new ArrayList<>();
        for (QuotaStatus status : registry.usageOf(ex.caller(), ex.name())) {
            scopes.add(json(status));
        }
        ex.sendJson(HttpServletResponse.SC_OK, Map.of("scopes", scopes));
    }

    static Map<String, Object> json(QuotaStatus status) {
        Map<String, Object> used = new LinkedHashMap<>();
        Map<String, Object> limits = new LinkedHashMap<>();
        for (Usage.Kind kind : Usage.Kind.values()) {
            used.put(kind.label(), status.used().of(kind));
            long limit = status.limits().of(kind);
            limits.put(kind.label(), limit == QuotaLimits.UNLIMITED ? null : limit);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scope", status.scope());
        out.put("used", used);
        out.put("limits", limits);
        return out;
    }
}
