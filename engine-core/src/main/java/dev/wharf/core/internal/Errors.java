package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.ImmutableTagRule;
import dev.wharf.api.Reference;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The engine's error catalogue: every failure the engine reports, one factory each, with its code (which
 * fixes the HTTP status, see {@link ErrorCode}), its message and its structured detail. Nothing else in the
 * engine constructs a {@link RegistryException}, so the same failure always reads the same way.
 */
public final class Errors {
    private Errors() {
    }

    // ---- access ----

    /** A refused action: UNAUTHORIZED for an anonymous caller (who may log in), DENIED otherwise. */
    static RegistryException refused(Caller caller, Action action, RepositoryName repo) {
        String verb = action.name().toLowerCase(Locale.ROOT);
        String what = verb + " access to repository '" + repo + "'";
        return caller.isAnonymous()
                ? new RegistryException(ErrorCode.UNAUTHORIZED, "authentication required for " + what,
                        Map.of("name", repo.value(), "action", verb))
                : new RegistryException(ErrorCode.DENIED, what + " is denied");
    }

    static RegistryException deletesDisabled() {
        return new RegistryException(ErrorCode.UNSUPPORTED, "deletes are disabled on this registry");
    }

    static RegistryException blobDeletesUnsupported() {
        return new RegistryException(ErrorCode.UNSUPPORTED,
                "this registry's blob storage keeps every blob; blobs cannot be deleted");
    }

    /** The storage has no room: nothing of the request was kept; reads go on. */
    static RegistryException storageFull(Throwable cause) {
        return new RegistryException(ErrorCode.STORAGE_FULL, "storage is full: the registry cannot store this now;"
                + " nothing of the request was kept, and it can be retried once space is freed").withCause(cause);
    }

    // ---- unknown content ----

    static RegistryException nameUnknown(RepositoryName repo) {
        return new RegistryException(ErrorCode.NAME_UNKNOWN, "repository '" + repo + "' is not known to this registry",
                Map.of("name", repo.value()));
    }

    static RegistryException blobUnknown(RepositoryName repo, Digest digest) {
        return new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not in repository '" + repo + "'",
                Map.of("digest", digest.toString()));
    }

    static RegistryException manifestUnknown(RepositoryName repo, Reference reference) {
        return new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest " + (reference.isDigest() ? "" : "tag ")
                + reference + " is not in repository '" + repo + "'",
                Map.of(reference.isDigest() ? "digest" : "tag", reference.toString()));
    }

    static RegistryException uploadUnknown(String id) {
        return new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN,
                "upload session '" + (id.length() > 80 ? id.substring(0, 80) + "..." : id)
                        + "' is unknown, finished, cancelled or expired");
    }

    // ---- blobs and uploads ----

    static RegistryException rangeNotSatisfiable(long first, long size) {
        return new RegistryException(ErrorCode.RANGE_INVALID, "range starts at byte " + first
                + " but the blob has " + size + " bytes", Map.of("size", size));
    }

    static RegistryException blobDigestMismatch(Digest expected, Digest actual, boolean sessionCancelled) {
        return new RegistryException(ErrorCode.DIGEST_INVALID, "uploaded content has digest " + actual + ", not "
                + expected + "; nothing was stored" + (sessionCancelled ? " and the upload was cancelled" : ""),
                Map.of("expected", expected.toString(), "actual", actual.toString()));
    }

    static RegistryException bodyEnded(long received, OptionalLong declared, Throwable cause) {
        return new RegistryException(ErrorCode.SIZE_INVALID, "the request body ended after " + received + " bytes"
                + declared.stream().mapToObj(x -> " of " + x + " declared").findFirst().orElse("")).withCause(cause);
    }

    static RegistryException sizeMismatch(long declared, long received) {
        return new RegistryException(ErrorCode.SIZE_INVALID,
                "received " + received + " bytes but " + declared + " were declared",
                Map.of("declared", declared, "received", received));
    }

    static RegistryException chunkOutOfOrder(long first, long offset) {
        return new RegistryException(ErrorCode.RANGE_INVALID, "chunk starts at byte " + first + " but " + offset
                + " bytes have been accepted; the next chunk must start at " + offset, Map.of("offset", offset));
    }

    static RegistryException uploadAlreadyStored(String id) {
        return new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "upload " + id + " already holds its whole blob,"
                + " stored by a close that was then refused; send the closing PUT again, or cancel the upload",
                Map.of("upload", id));
    }

    static RegistryException uploadBusy(String id, long offset) {
        return new RegistryException(ErrorCode.RANGE_INVALID, "upload " + id + " is receiving another request's body;"
                + " send the next chunk once that one is answered (" + offset + " bytes accepted so far)",
                Map.of("offset", offset));
    }

    static RegistryException contentRangeLength(long first, long last, long contentLength) {
        return new RegistryException(ErrorCode.SIZE_INVALID, "Content-Range " + first + "-" + last + " is "
                + (last - first + 1) + " bytes but Content-Length is " + contentLength);
    }

    // ---- manifests and tags ----

    static RegistryException manifestTooLarge(long size, int limit) {
        return new RegistryException(ErrorCode.MANIFEST_TOO_LARGE, "manifest is " + size + " bytes; this registry"
                + " accepts manifests of at most " + limit + " bytes", Map.of("size", size, "limit", limit));
    }

    /** A malformed or unsupported manifest; {@code message} names the problem. */
    static RegistryException manifestInvalid(String message) {
        return new RegistryException(ErrorCode.MANIFEST_INVALID, message);
    }

    static RegistryException manifestDigestMismatch(Digest expected, Digest actual) {
        return new RegistryException(ErrorCode.DIGEST_INVALID, "manifest content has digest " + actual
                + ", not " + expected, Map.of("expected", expected.toString(), "actual", actual.toString()));
    }

    /** @param missing one {@code {"digest", "kind"}} map per absent blob or child manifest; not empty */
    static RegistryException manifestReferencesMissing(RepositoryName repo, List<Map<String, String>> missing) {
        return new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, "manifest references " + missing.size()
                + " blob(s) or manifest(s) not present in repository '" + repo + "', first "
                + missing.get(0).get("digest"), missing.size() == 1 ? missing.get(0) : Map.of("missing", missing));
    }

    static RegistryException preconditionFailed(RepositoryName repo, Reference reference, Optional<Digest> current) {
        return new RegistryException(ErrorCode.PRECONDITION_FAILED, (reference.isDigest() ? "manifest " : "tag ")
                + reference + " in '" + repo + "' " + current.map(d -> "points to " + d).orElse("does not exist")
                + ", which does not satisfy the request's If-Match/If-None-Match",
                current.<Map<String, String>>map(d -> Map.of("current", d.toString())).orElse(Map.of()));
    }

    static RegistryException immutableTag(RepositoryName repo, Tag tag, String what, ImmutableTagRule rule) {
        return new RegistryException(ErrorCode.DENIED, "cannot " + what + " tag '" + tag + "' in '" + repo
                + "': it is immutable under the policy " + rule + "; push a new tag instead",
                Map.of("tag", tag.value(), "policy", rule.toString()));
    }

    static RegistryException taggedManifestProtected(Digest digest, List<Tag> tags) {
        List<String> names = tags.stream().map(Tag::value).toList();
        return new RegistryException(ErrorCode.DENIED, "manifest " + digest + " is still tagged ("
                + String.join(", ", names) + "); this registry protects tagged manifests: delete the tags first",
                Map.of("tags", names));
    }

    /** A mirror could not get content from its upstream; {@code upstreamStatus} 0 when it got no answer. */
    static RegistryException upstreamUnavailable(String message, int upstreamStatus) {
        return new RegistryException(ErrorCode.UPSTREAM_UNAVAILABLE, message,
                upstreamStatus == 0 ? Map.of("upstreamStatus", "none") : Map.of("upstreamStatus", upstreamStatus));
    }

    /** A write to a repository that mirrors an upstream. */
    static RegistryException mirrorReadOnly(RepositoryName repo, String host) {
        return new RegistryException(ErrorCode.DENIED, "repository " + repo + " mirrors " + host
                + " and is read-only: push to " + host + " itself", Map.of("upstream", host));
    }

    /** A mirrored repository outside the upstream's allow list. */
    static RegistryException notMirrored(RepositoryName repo, String upstreamName, String host) {
        return new RegistryException(ErrorCode.DENIED, upstreamName + " on " + host
                + " is not among the repositories this mirror may fetch", Map.of("upstream", host));
    }

    /** The upstream rate-limited the mirror and nothing cached can answer instead. */
    static RegistryException upstreamRateLimited(String message, Optional<java.time.Duration> retryAfter) {
        return retryAfter.isEmpty() ? new RegistryException(ErrorCode.TOOMANYREQUESTS, message)
                : new RegistryException(ErrorCode.TOOMANYREQUESTS, message,
                        Map.of("retryAfterSeconds", Math.max(1, retryAfter.get().toSeconds())))
                        .withRetryAfter(retryAfter.get());
    }
}
