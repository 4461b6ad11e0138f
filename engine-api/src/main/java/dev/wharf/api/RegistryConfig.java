package dev.wharf.api;

import dev.wharf.spi.Authorizer;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.RegistryListener;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The immutable settings a {@link Registry} is built from; made by {@link RegistryBuilder}.
 *
 * @param blobStore          blob bytes; in-memory when empty
 * @param metadataStore      everything else; in-memory when empty
 * @param authorizer         who may do what
 * @param listeners          told of each committed change, in order
 * @param maxManifestBytes   larger manifests are refused with 413
 * @param uploadExpiry       idle upload sessions older than this are expired
 * @param deletesEnabled     when false, every delete answers 405 UNSUPPORTED
 * @param defaultPageSize    page size for tags and catalog listings without {@code n}
 * @param maxPageSize        a larger {@code n} gets a partial page (with a {@code Link} to the rest)
 * @param clock              time source for sessions and events
 * @param immutableTags      tags that never move or disappear once created
 * @param protectTaggedManifests when true, deleting a manifest by digest is refused while tags point to it
 * @param gc                 garbage collection settings
 * @param upstreams          registries mirrored by pull-through, each under its own {@link Upstream#prefix()}
 * @param defaultUpstream    the host of the upstream that pulls without {@code ns} go to when the repository
 *                           does not exist locally; empty when such pulls stay local
 * @param eventRetention     how long events stay in the store's event log before garbage collection drops them
 * @param webhooks           the event log's HTTP receivers
 * @param quotaPolicy        the quotas the metadata store counts usage for and enforces; empty for none
 * @param quotaRefusalCode   the code a push over quota is refused with: {@link ErrorCode#DENIED} (the default,
 *                           which every client handles) or {@link ErrorCode#QUOTA_EXCEEDED}
 * @param contentRules       which manifest media types, artifact types, config and layer media types are accepted
 */
public record RegistryConfig(Optional<BlobStore> blobStore, Optional<MetadataStore> metadataStore,
                             Authorizer authorizer, List<RegistryListener> listeners, int maxManifestBytes,
                             Duration uploadExpiry, boolean deletesEnabled, int defaultPageSize, int maxPageSize,
                             Clock clock, List<ImmutableTagRule> immutableTags, boolean protectTaggedManifests,
                             GcSettings gc, List<Upstream> upstreams, Optional<String> defaultUpstream,
                             Duration eventRetention, List<Webhook> webhooks,
                             Optional<dev.wharf.spi.QuotaPolicy> quotaPolicy, ErrorCode quotaRefusalCode,
                             List<ContentRule> contentRules) {
    public RegistryConfig {
        Objects.requireNonNull(blobStore, "blobStore");
        Objects.requireNonNull(metadataStore, "metadataStore");
        Objects.requireNonNull(authorizer, "authorizer");
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(uploadExpiry, "uploadExpiry");
        Objects.requireNonNull(clock, "clock");
        immutableTags = List.copyOf(immutableTags);
        Objects.requireNonNull(gc, "gc");
        upstreams = List.copyOf(upstreams);
        Objects.requireNonNull(eventRetention, "eventRetention");
        webhooks = List.copyOf(webhooks);
        Objects.requireNonNull(quotaPolicy, "quotaPolicy");
        if (quotaRefusalCode != ErrorCode.DENIED && quotaRefusalCode != ErrorCode.QUOTA_EXCEEDED) {
            throw new IllegalArgumentException("quotas are refused with DENIED or QUOTA_EXCEEDED, not "
                    + quotaRefusalCode);
        }
        contentRules = List.copyOf(contentRules);
        if (webhooks.stream().map(Webhook::name).distinct().count() != webhooks.size()) {
            throw new IllegalArgumentException("two webhooks have the same name; name them apart with Webhook.named");
        }
        Objects.requireNonNull(defaultUpstream, "defaultUpstream");
        java.util.Set<String> prefixes = new java.util.HashSet<>();
        for (Upstream upstream : upstreams) {
            if (!prefixes.add(upstream.prefix())) {
                throw new IllegalArgumentException("two upstreams for " + upstream.host());
            }
        }
        if (defaultUpstream.isPresent() && upstreams.stream().noneMatch(u -> u.host().equals(defaultUpstream.get()))) {
            throw new IllegalArgumentException("the default upstream " + defaultUpstream.get()
                    + " is not one of the configured upstreams " + upstreams.stream().map(Upstream::host).toList());
        }
        if (maxManifestBytes <= 0 || defaultPageSize <= 0 || maxPageSize < defaultPageSize) {
            throw new IllegalArgumentException("limits must be positive and maxPageSize >= defaultPageSize");
        }
    }

    /** The first immutable-tag rule covering {@code tag} in {@code repository}, if any. */
    public java.util.Optional<ImmutableTagRule> immutableRule(RepositoryName repository, Tag tag) {
        for (ImmutableTagRule rule : immutableTags) {
            if (rule.covers(repository, tag)) {
                return java.util.Optional.of(rule);
            }
        }
        return java.util.Optional.empty();
    }
}
