/**
 * Reading manifests: the one place that parses manifest JSON, to learn what a manifest references
 * (config, layers, child manifests, subject) and how it is described in referrers listings. Manifests are
 * never rewritten; the exact pushed bytes are what is stored and served.
 */
package dev.wharf.core.manifest;
