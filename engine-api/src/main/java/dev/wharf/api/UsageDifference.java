package dev.wharf.api;

/**
 * A scope whose stored usage differs from the usage recounted from the content itself, as
 * {@link Registry#verifyUsage} finds it.
 *
 * @param scope      the scope
 * @param stored     what the metadata store's usage counters say
 * @param recomputed what counting the repositories' links, manifests and tags gives
 */
public record UsageDifference(String scope, Usage stored, Usage recomputed) {
}
