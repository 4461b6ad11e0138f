package dev.wharf.api;

import dev.wharf.spi.Authorizer;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.RegistryEngineProvider;
import dev.wharf.spi.RegistryListener;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Builds a {@link Registry}. Every setting has a default: in-memory storage, allow-all authorisation,
 * 4 MiB manifests, one-hour upload expiry, deletes enabled, pages of 100 (at most 1000), mutable tags,
 * garbage collection every hour with a ten-minute grace period and untagged manifests kept.
 *
 * <p>The engine implementation is found with {@link ServiceLoader} ({@code engine-core} provides it), so
 * this API module needs nothing outside the JDK.
 */
public final class RegistryBuilder {
    /** Default manifest size limit: the 4 MiB every client and registry is expected to support. */
    public static final int DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    /** How long events stay in the event log by default. */
    public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(7);

    private BlobStore blobStore;
    private MetadataStore metadataStore;
    private Authorizer authorizer = Authorizer.allowAll();
    private final List<RegistryListener> listeners = new ArrayList<>();
    private int maxManifestBytes = DEFAULT_MAX_MANIFEST_BYTES;
    private Duration uploadExpiry = Duration.ofHours(1);
    private boolean deletesEnabled = true;
    private int defaultPageSize = 100;
    private int maxPageSize = 1000;
    private Clock clock = Clock.systemUTC();
    private final List<ImmutableTagRule> immutableTags = new ArrayList<>();
    private boolean protectTaggedManifests;
    private GcSettings gc = GcSettings.defaults();
    private final List<Upstream> upstreams = new ArrayList<>();
    private String defaultUpstream;
    private Duration eventRetention = DEFAULT_EVENT_RETENTION;
    private final List<Webhook> webhooks = new ArrayList<>();
    private final List<QuotaRule> quotaRules = new ArrayList<>();
    private dev.wharf.spi.QuotaPolicy quotaPolicy;
    private ErrorCode quotaRefusalCode = ErrorCode.DENIED;
    private final List<ContentRule> contentRules = new ArrayList<>();

    RegistryBuilder() {
    }

    /** Where blob bytes live. The registry closes it when it is closed. */
    public RegistryBuilder blobStore(BlobStore store) {
        this.blobStore = Objects.requireNonNull(store);
        return this;
    }

    /** Where manifests, tags, links and sessions live. The registry closes it when it is closed. */
    public RegistryBuilder metadataStore(MetadataStore store) {
        this.metadataStore = Objects.requireNonNull(store);
        return this;
    }

    public RegistryBuilder authorizer(Authorizer authorizer) {
        this.authorizer = Objects.requireNonNull(authorizer);
        return this;
    }

    /** Adds a listener told of each committed change. */
    public RegistryBuilder listener(RegistryListener listener) {
        this.listeners.add(Objects.requireNonNull(listener));
        return this;
    }

    public RegistryBuilder maxManifestBytes(int bytes) {
        this.maxManifestBytes = bytes;
        return this;
    }

    public RegistryBuilder uploadExpiry(Duration expiry) {
        this.uploadExpiry = Objects.requireNonNull(expiry);
        return this;
    }

    public RegistryBuilder deletesEnabled(boolean enabled) {
        this.deletesEnabled = enabled;
        return this;
    }

    /** Default and maximum page sizes for tag and catalog listings. */
    public RegistryBuilder pageSizes(int defaultSize, int maxSize) {
        this.defaultPageSize = defaultSize;
        this.maxPageSize = maxSize;
        return this;
    }

    public RegistryBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /** Makes every tag in repositories matching {@code repositoryPattern} immutable (see {@link ImmutableTagRule}). */
    public RegistryBuilder immutableTags(String repositoryPattern) {
        return immutableTags(repositoryPattern, "*");
    }

    /** Makes tags matching {@code tagPattern} in repositories matching {@code repositoryPattern} immutable. */
    public RegistryBuilder immutableTags(String repositoryPattern, String tagPattern) {
        this.immutableTags.add(new ImmutableTagRule(repositoryPattern, tagPattern));
        return this;
    }

    /** When true, deleting a manifest by digest is refused (DENIED) while tags point to it. Default false. */
    public RegistryBuilder protectTaggedManifests(boolean protect) {
        this.protectTaggedManifests = protect;
        return this;
    }

    /** Garbage collection settings; see {@link GcSettings}. */
    public RegistryBuilder garbageCollection(GcSettings settings) {
        this.gc = Objects.requireNonNull(settings);
        return this;
    }

    /**
     * Mirrors {@code upstream}: pulls of repositories under its {@link Upstream#prefix()} (or with its host as
     * the {@code ns} query parameter) that miss locally are fetched from it (see {@link Upstream}).
     */
    public RegistryBuilder upstream(Upstream upstream) {
        this.upstreams.add(Objects.requireNonNull(upstream));
        return this;
    }

    /**
     * Sends pulls that carry no {@code ns} and name a repository that does not exist locally to the upstream
     * configured for {@code host}, as if they had named it.
     */
    public RegistryBuilder defaultUpstream(String host) {
        this.defaultUpstream = Objects.requireNonNull(host).toLowerCase(java.util.Locale.ROOT);
        return this;
    }

    /**
     * How long events stay in the store's event log ({@link dev.wharf.spi.EventLog}): garbage collection drops
     * older ones. Default {@link #DEFAULT_EVENT_RETENTION}.
     */
    public RegistryBuilder eventRetention(Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("event retention must be positive");
        }
        this.eventRetention = retention;
        return this;
    }

    /** Delivers the event log's events to {@code webhook} (see {@link Webhook}). May be called several times. */
    public RegistryBuilder webhook(Webhook webhook) {
        this.webhooks.add(Objects.requireNonNull(webhook));
        return this;
    }

    /**
     * Adds a quota rule to the built-in quota policy ({@link dev.wharf.spi.QuotaPolicy#of}); see {@link QuotaRule}
     * and {@link Usage} for what is counted. The metadata store must keep usage counts
     * ({@link dev.wharf.spi.MetadataStore#usageLedger()}; the in-memory and RocksDB stores do).
     */
    public RegistryBuilder quota(QuotaRule rule) {
        if (quotaPolicy != null) {
            throw new IllegalStateException("a custom quota policy is set; add rules to it instead");
        }
        this.quotaRules.add(Objects.requireNonNull(rule));
        return this;
    }

    /** Enforces a custom quota policy instead of rules added with {@link #quota(QuotaRule)}. */
    public RegistryBuilder quotaPolicy(dev.wharf.spi.QuotaPolicy policy) {
        if (!quotaRules.isEmpty()) {
            throw new IllegalStateException("quota rules are set; a custom policy replaces them, so set one or the"
                    + " other");
        }
        this.quotaPolicy = Objects.requireNonNull(policy);
        return this;
    }

    /**
     * The code a push over quota is refused with (status 403 either way): {@link ErrorCode#DENIED}, the default,
     * which every client reports, or {@link ErrorCode#QUOTA_EXCEEDED}, which says exactly what happened to clients
     * that know it. The detail carries {@code reason: QUOTA_EXCEEDED} and the numbers in both cases.
     */
    public RegistryBuilder quotaRefusalCode(ErrorCode code) {
        this.quotaRefusalCode = Objects.requireNonNull(code);
        return this;
    }

    /** Adds a content policy rule (see {@link ContentRule}). */
    public RegistryBuilder contentRule(ContentRule rule) {
        this.contentRules.add(Objects.requireNonNull(rule));
        return this;
    }

    /** The settings as they stand. */
    public RegistryConfig config() {
        return new RegistryConfig(Optional.ofNullable(blobStore), Optional.ofNullable(metadataStore), authorizer,
                listeners, maxManifestBytes, uploadExpiry, deletesEnabled, defaultPageSize, maxPageSize, clock,
                immutableTags, protectTaggedManifests, gc, upstreams, Optional.ofNullable(defaultUpstream), eventRetention, webhooks,
                quotaPolicy != null ? Optional.of(quotaPolicy)
                        : quotaRules.isEmpty() ? Optional.empty() : Optional.of(dev.wharf.spi.QuotaPolicy.of(quotaRules)),
                quotaRefusalCode, contentRules);
    }

    /**
     * Builds the registry.
     *
     * @throws IllegalStateException if no engine implementation ({@code engine-core}) is on the class path
     */
    public Registry build() {
        RegistryConfig config = config();
        for (RegistryEngineProvider provider : ServiceLoader.load(RegistryEngineProvider.class,
                RegistryBuilder.class.getClassLoader())) {
            return provider.create(config);
        }
        throw new IllegalStateException("no Wharf engine found: add dev.wharf:engine-core to the class path");
    }
}
