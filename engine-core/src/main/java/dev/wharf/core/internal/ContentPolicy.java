package dev.wharf.core.internal;

import dev.wharf.api.ContentRule;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.core.manifest.ManifestParser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The content policy: which manifest media types, artifact types, config and layer media types a push may carry,
 * by namespace ({@link ContentRule}). A refusal names the field and the refused value, never the rules, so that
 * the policy itself is not divulged; {@link ContentRule#modes} says only whether a field is governed by an allow
 * list, a deny list or both.
 */
public final class ContentPolicy {
    /** Config media types of plain images, which have no artifact type. */
    private static final Set<String> IMAGE_CONFIGS = Set.of(MediaTypes.OCI_CONFIG, MediaTypes.DOCKER_CONFIG,
            MediaTypes.OCI_EMPTY);

    private record Compiled(ContentRule rule, Predicate<String> matcher) {
    }

    private final List<Compiled> rules;

    public ContentPolicy(List<ContentRule> rules) {
        List<Compiled> compiled = new ArrayList<>(rules.size());
        for (ContentRule rule : rules) {
            compiled.add(new Compiled(rule, rule.matcher()));
        }
        this.rules = List.copyOf(compiled);
    }

    /** True when no rule is configured (every push passes without a look). */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /**
     * Refuses a manifest the policy does not accept in {@code repo}: 415 {@code UNSUPPORTED} with a detail naming
     * the field and value.
     */
    public void check(RepositoryName repo, ManifestParser.Parsed parsed) {
        if (rules.isEmpty()) {
            return;
        }
        try {
            checkFields(repo, parsed);
        } catch (RegistryException e) {
            @SuppressWarnings("unchecked")
            Map<String, Object> detail = new LinkedHashMap<>((Map<String, Object>) e.detail().orElseThrow());
            detail.put("digest", parsed.record().digest().toString());
            throw new RegistryException(e.code(), e.getMessage(), detail);
        }
    }

    private void checkFields(RepositoryName repo, ManifestParser.Parsed parsed) {
        String mediaType = parsed.record().manifest().mediaType();
        check(repo, ContentRule.Field.MANIFEST_MEDIA_TYPE, mediaType);
        Optional<String> artifactType = artifactType(parsed);
        artifactType.ifPresent(type -> check(repo, ContentRule.Field.ARTIFACT_TYPE, type));
        check(repo, ContentRule.Field.TYPE, artifactType.orElse(mediaType), artifactType.isPresent()
                ? ContentRule.Field.ARTIFACT_TYPE : ContentRule.Field.MANIFEST_MEDIA_TYPE);
        parsed.configMediaType().ifPresent(type -> check(repo, ContentRule.Field.CONFIG_MEDIA_TYPE, type));
        for (String layer : parsed.layerMediaTypes()) {
            check(repo, ContentRule.Field.LAYER_MEDIA_TYPE, layer);
        }
    }

    /** The artifact type the policy checks: declared, or a config media type that is not an image's. */
    static Optional<String> artifactType(ManifestParser.Parsed parsed) {
        return parsed.record().artifactType().filter(type -> !IMAGE_CONFIGS.contains(type)
                || !parsed.configMediaType().equals(Optional.of(type)));
    }

    private void check(RepositoryName repo, ContentRule.Field field, String value) {
        check(repo, field, value, field);
    }

    /** Checks {@code value} against the rules of {@code field}; a refusal names {@code named}. */
    private void check(RepositoryName repo, ContentRule.Field field, String value, ContentRule.Field named) {
        boolean allowRules = false;
        boolean allowed = false;
        for (Compiled c : rules) {
            if (c.rule().field() != field || !c.rule().namespace().matches(repo)) {
                continue;
            }
            boolean matches = c.matcher().test(value);
            if (c.rule().allow()) {
                allowRules = true;
                allowed |= matches;
            } else if (matches) {
                throw refused(repo, named, value);
            }
        }
        if (allowRules && !allowed) {
            throw refused(repo, named, value);
        }
    }

    private static RegistryException refused(RepositoryName repo, ContentRule.Field field, String value) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("reason", "CONTENT_REFUSED");
        detail.put("field", field.label());
        detail.put("value", value);
        return new RegistryException(ErrorCode.CONTENT_REFUSED, "this registry does not accept " + field.label()
                + " '" + value + "' in " + repo, detail);
    }
}
