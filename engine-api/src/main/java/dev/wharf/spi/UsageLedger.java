package dev.wharf.spi;

import dev.wharf.api.Digest;
import dev.wharf.api.Usage;

import java.util.Map;
import java.util.Optional;

/**
 * The usage role of a {@link MetadataStore} that can enforce quotas: a usage count per quota scope and the
 * de-duplication records behind it ({@link UsageRef}), kept by the store's own mutating methods in the same
 * atomic change as the content they count (with a {@link UsageTally}), so that a crash never leaves a count that
 * disagrees with what is stored.
 *
 * <p>The engine calls {@link #count} once, before it serves anything, with the policy to count for; from then on
 * every link, unlink, manifest push or delete and tag change is counted, and refused with a
 * {@link QuotaExceededException} if it would cross a limit. The counts persist with the store, labelled with the
 * policy's {@link QuotaPolicy#countingKey()}; when the label differs, the engine recounts and {@link #replace}s
 * them first.
 */
public interface UsageLedger {

    /** The counting key the stored counts were made for; empty when none are kept. */
    String countingKey();

    /** Counts every following change for {@code policy}, or nothing when empty. */
    void count(Optional<QuotaPolicy> policy);

    /** The scope's usage; {@link Usage#ZERO} when it holds nothing. */
    Usage usage(String scope);

    /** How often the scope holds {@code digest}; empty when it does not. */
    Optional<UsageRef> reference(String scope, Digest digest);

    /** Every scope with a stored usage. */
    Map<String, Usage> usages();

    /**
     * Replaces every count and record with these, labelled {@code countingKey}, in one atomic change. Called
     * while nothing else changes the store (before the registry serves).
     */
    void replace(String countingKey, Map<String, Usage> usages, Map<String, Map<Digest, UsageRef>> references);
}
