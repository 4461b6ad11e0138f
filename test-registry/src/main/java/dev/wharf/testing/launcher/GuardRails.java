package dev.wharf.testing.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.api.ByteSize;
import dev.wharf.api.ContentRule;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.QuotaLimits;
import dev.wharf.api.QuotaRule;
import dev.wharf.api.RegistryBuilder;
import dev.wharf.api.RepositoryGlob;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The launcher's quotas and content policy, from flags ({@code --quota GLOB=SIZE}, {@code --allow-media-type GLOB},
 * {@code --deny-media-type GLOB}) and from the configuration file's {@code quotas} and {@code contentPolicy}
 * sections:
 *
 * <pre>{@code
 * quotas:
 *   refusalCode: DENIED                 # optional: DENIED (default) or QUOTA_EXCEEDED
 *   rules:
 *     - namespace: "team/**"            # the repositories under team/, together
 *       bytes: 10GiB                    # optional, each: stored bytes (KiB, MiB, GiB, TiB; kB, MB, GB, TB)
 *       manifests: 5000
 *       tags: 20000
 *       repositories: 100
 *     - eachRepository: "team/**"       # each repository under team/, on its own
 *       bytes: 2GiB
 * contentPolicy:
 *   - namespace: "**"                   # optional (default **): the repositories the entry applies in
 *     type: {allow: ["application/vnd.oci.image.*", "application/vnd.cncf.helm.*"]}
 *     mediaType: {deny: ["application/vnd.docker.distribution.manifest.list.v2+json"]}
 *     artifactType: {deny: ["application/vnd.example.*"]}
 *     configMediaType: {allow: [...]}
 *     layerMediaType: {deny: ["*foreign*"]}
 * }</pre>
 *
 * @param quotas       quota rules, in order
 * @param refusalCode  the code a push over quota is refused with, when set
 * @param contentRules content policy rules, in order
 */
record GuardRails(List<QuotaRule> quotas, Optional<ErrorCode> refusalCode, List<ContentRule> contentRules) {
    static final GuardRails NONE = new GuardRails(List.of(), Optional.empty(), List.of());

    private static final Set<String> QUOTAS = Set.of("refusalCode", "rules");
    private static final Set<String> QUOTA_RULE = Set.of("namespace", "eachRepository", "bytes", "manifests", "tags",
            "repositories");
    private static final Map<String, ContentRule.Field> FIELDS = Map.of("type", ContentRule.Field.TYPE,
            "mediaType", ContentRule.Field.MANIFEST_MEDIA_TYPE, "artifactType", ContentRule.Field.ARTIFACT_TYPE,
            "configMediaType", ContentRule.Field.CONFIG_MEDIA_TYPE, "layerMediaType", ContentRule.Field.LAYER_MEDIA_TYPE);
    private static final Set<String> CONTENT_ENTRY = Set.of("namespace", "type", "mediaType", "artifactType",
            "configMediaType", "layerMediaType");
    private static final Set<String> LISTS = Set.of("allow", "deny");

    GuardRails {
        quotas = List.copyOf(quotas);
        contentRules = List.copyOf(contentRules);
    }

    /** These, then {@code more}; {@code more}'s refusal code wins when both set one. */
    GuardRails with(GuardRails more) {
        List<QuotaRule> q = new ArrayList<>(quotas);
        q.addAll(more.quotas);
        List<ContentRule> c = new ArrayList<>(contentRules);
        c.addAll(more.contentRules);
        return new GuardRails(q, more.refusalCode.or(() -> refusalCode), c);
    }

    /** Adds the rules to {@code engine}. */
    void applyTo(RegistryBuilder engine) {
        quotas.forEach(engine::quota);
        refusalCode.ifPresent(engine::quotaRefusalCode);
        contentRules.forEach(engine::contentRule);
    }

    /** {@code --quota GLOB=SIZE}: a namespace limit on stored bytes. */
    static QuotaRule quotaFlag(String value) {
        int equals = value.lastIndexOf('=');
        if (equals <= 0 || equals == value.length() - 1) {
            throw new IllegalArgumentException("--quota takes GLOB=SIZE, such as --quota 'team/**=10GiB'; was '"
                    + value + "'");
        }
        try {
            return QuotaRule.namespace(value.substring(0, equals).trim(),
                    QuotaLimits.NONE.withBytes(ByteSize.parse(value.substring(equals + 1))));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--quota " + value + ": " + e.getMessage());
        }
    }

    /** {@code --allow-media-type GLOB} / {@code --deny-media-type GLOB}: a rule on every repository's type. */
    static ContentRule typeFlag(String flag, String glob, boolean allow) {
        if (glob.isBlank()) {
            throw new IllegalArgumentException(flag + " takes a media type glob, such as 'application/vnd.oci.image.*'");
        }
        return allow ? ContentRule.allow("**", ContentRule.Field.TYPE, glob.trim())
                : ContentRule.deny("**", ContentRule.Field.TYPE, glob.trim());
    }

    /** The {@code quotas} and {@code contentPolicy} sections of a configuration file's {@code root}. */
    static GuardRails read(JsonNode root, LauncherConfigFile.Reader r) {
        List<QuotaRule> quotas = new ArrayList<>();
        Optional<ErrorCode> code = Optional.empty();
        JsonNode section = root.path("quotas");
        if (!section.isMissingNode() && !section.isNull()) {
            r.keys(section, "quotas", QUOTAS);
            Optional<String> text = r.optionalString(section, "quotas", "refusalCode");
            if (text.isPresent()) {
                code = Optional.of(switch (text.get().toUpperCase(Locale.ROOT)) {
                    case "DENIED" -> ErrorCode.DENIED;
                    case "QUOTA_EXCEEDED" -> ErrorCode.QUOTA_EXCEEDED;
                    default -> throw r.wrong("quotas.refusalCode", "must be DENIED or QUOTA_EXCEEDED, was '"
                            + text.get() + "'");
                });
            }
            JsonNode rules = section.path("rules");
            if (!rules.isMissingNode()) {
                if (!rules.isArray()) {
                    throw r.wrong("quotas.rules", "must be a list of rules, each starting with '- namespace: ...' or"
                            + " '- eachRepository: ...'");
                }
                for (int i = 0; i < rules.size(); i++) {
                    quotas.add(quotaRule(rules.get(i), "quotas.rules[" + i + "]", r));
                }
            }
        }
        List<ContentRule> content = new ArrayList<>();
        JsonNode policy = root.path("contentPolicy");
        if (!policy.isMissingNode() && !policy.isNull()) {
            if (!policy.isArray()) {
                throw r.wrong("contentPolicy", "must be a list of entries, each starting with '- namespace: ...' or"
                        + " a field such as '- type: {allow: [...]}'");
            }
            for (int i = 0; i < policy.size(); i++) {
                content.addAll(contentEntry(policy.get(i), "contentPolicy[" + i + "]", r));
            }
        }
        return new GuardRails(quotas, code, content);
    }

    private static QuotaRule quotaRule(JsonNode node, String at, LauncherConfigFile.Reader r) {
        r.keys(node, at, QUOTA_RULE);
        Optional<String> namespace = r.optionalString(node, at, "namespace");
        Optional<String> each = r.optionalString(node, at, "eachRepository");
        if (namespace.isPresent() == each.isPresent()) {
            throw r.wrong(at, "needs exactly one of 'namespace' (the repositories together) and 'eachRepository'"
                    + " (each on its own)");
        }
        String key = namespace.isPresent() ? "namespace" : "eachRepository";
        RepositoryGlob glob;
        try {
            glob = RepositoryGlob.parse(namespace.orElseGet(each::get));
        } catch (IllegalArgumentException e) {
            throw r.wrong(at + "." + key, e.getMessage());
        }
        QuotaLimits limits = QuotaLimits.NONE;
        JsonNode bytes = node.path("bytes");
        if (!bytes.isMissingNode()) {
            try {
                limits = limits.withBytes(bytes.isIntegralNumber() ? bytes.asLong() : ByteSize.parse(bytes.asText()));
            } catch (IllegalArgumentException e) {
                throw r.wrong(at + ".bytes", e.getMessage());
            }
        }
        limits = limits.withManifests(count(node, at, "manifests", r, limits.manifests()))
                .withTags(count(node, at, "tags", r, limits.tags()))
                .withRepositories(count(node, at, "repositories", r, limits.repositories()));
        if (limits.isNone()) {
            throw r.wrong(at, "limits nothing: give at least one of bytes, manifests, tags, repositories");
        }
        return new QuotaRule(glob, each.isPresent(), limits);
    }

    private static long count(JsonNode node, String at, String key, LauncherConfigFile.Reader r, long otherwise) {
        JsonNode value = node.path(key);
        if (value.isMissingNode()) {
            return otherwise;
        }
        if (!value.isIntegralNumber() || value.asLong() < 0) {
            throw r.wrong(at + "." + key, "must be a whole number, 0 or more");
        }
        return value.asLong();
    }

    private static List<ContentRule> contentEntry(JsonNode node, String at, LauncherConfigFile.Reader r) {
        r.keys(node, at, CONTENT_ENTRY);
        String namespaceText = r.optionalString(node, at, "namespace").orElse("**");
        RepositoryGlob namespace;
        try {
            namespace = RepositoryGlob.parse(namespaceText);
        } catch (IllegalArgumentException e) {
            throw r.wrong(at + ".namespace", e.getMessage());
        }
        List<ContentRule> rules = new ArrayList<>();
        for (Map.Entry<String, ContentRule.Field> field : FIELDS.entrySet()) {
            JsonNode lists = node.path(field.getKey());
            if (lists.isMissingNode()) {
                continue;
            }
            String where = at + "." + field.getKey();
            r.keys(lists, where, LISTS);
            for (String kind : List.of("allow", "deny")) {
                JsonNode globs = lists.path(kind);
                if (globs.isMissingNode()) {
                    continue;
                }
                if (!globs.isArray() || globs.isEmpty()) {
                    throw r.wrong(where + "." + kind, "must be a non-empty list of media type globs");
                }
                for (int i = 0; i < globs.size(); i++) {
                    JsonNode glob = globs.get(i);
                    if (!glob.isTextual() || glob.asText().isBlank()) {
                        throw r.wrong(where + "." + kind + "[" + i + "]", "must be a non-empty string; quote it");
                    }
                    rules.add(new ContentRule(namespace, field.getValue(), kind.equals("allow"), glob.asText().trim()));
                }
            }
        }
        if (rules.isEmpty()) {
            throw r.wrong(at, "has no rules: give a field (" + String.join(", ", FIELDS.keySet().stream().sorted()
                    .toList()) + ") with an allow or deny list");
        }
        return rules;
    }
}
