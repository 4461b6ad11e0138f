package dev.wharf.api;

/**
 * The error catalogue: every code Wharf reports, with the HTTP status it maps to by default and the
 * spec's one-line description. Codes 1&ndash;14 are the OCI Distribution Specification's; the rest are
 * Wharf's additions (clients treat unknown codes as opaque strings).
 *
 * <p>The catalogue is data: each entry names the code clients see on the wire ({@link #wireCode()}, usually
 * the entry's own name) and its HTTP status. Where the spec asks for another status for the same wire code
 * (413 for an oversized manifest, reported as {@code MANIFEST_INVALID}), the catalogue has an entry of its
 * own, so no status is ever overridden case by case.
 */
public enum ErrorCode {
    BLOB_UNKNOWN(404, "blob unknown to registry"),
    BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
    DIGEST_INVALID(400, "provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN(400, "manifest references a manifest or blob unknown to registry"),
    MANIFEST_INVALID(400, "manifest invalid"),
    MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
    NAME_INVALID(400, "invalid repository name"),
    NAME_UNKNOWN(404, "repository name not known to registry"),
    SIZE_INVALID(400, "provided length did not match content length"),
    UNAUTHORIZED(401, "authentication required"),
    DENIED(403, "requested access to the resource is denied"),
    UNSUPPORTED(405, "the operation is unsupported"),
    TOOMANYREQUESTS(429, "too many requests"),
    /** Legacy code the spec mentions clients may meet; Wharf uses it for malformed tags. */
    TAG_INVALID(400, "manifest tag did not match URI"),
    /** Wharf's addition (as in CNCF distribution): a byte range that cannot be satisfied. */
    RANGE_INVALID(416, "requested range not satisfiable"),
    /** Wharf's addition (as in CNCF distribution): a malformed {@code n} or {@code last} page parameter. */
    PAGINATION_NUMBER_INVALID(400, "invalid number of results requested"),
    /**
     * Wharf's addition: a search query Wharf cannot answer (an unparsable date, an unknown sort key, a malformed
     * glob, or a cursor that is malformed, tampered with, or from another query or caller); the detail names the
     * parameter.
     */
    QUERY_INVALID(400, "invalid search query"),
    /** Wharf's addition: a conditional tag move ({@code If-Match} / {@code If-None-Match}) found another state. */
    PRECONDITION_FAILED(412, "precondition failed"),
    /** Wharf's addition: a push would exceed a quota; nothing was stored. */
    QUOTA_EXCEEDED(403, "quota exceeded"),
    /** A manifest over the configured size limit: {@code MANIFEST_INVALID} on the wire, with 413 (spec end-7). */
    MANIFEST_TOO_LARGE(413, "MANIFEST_INVALID", "manifest too large"),
    /**
     * A push the content policy refuses (a manifest, artifact, config or layer media type this registry does not
     * accept here): {@code UNSUPPORTED} on the wire, with 415.
     */
    CONTENT_REFUSED(415, "UNSUPPORTED", "content type not accepted"),
    /** A path that names no endpoint of the API: {@code UNSUPPORTED} on the wire, with 404. */
    ENDPOINT_UNKNOWN(404, "UNSUPPORTED", "no such endpoint"),
    /**
     * A request body that stalled or arrived slower than the server's minimum data rate and was cut off:
     * {@code BLOB_UPLOAD_INVALID} on the wire, with 408 Request Timeout. The upload session keeps the bytes it had
     * acknowledged before the request, so the client can resume.
     */
    REQUEST_TOO_SLOW(408, "BLOB_UPLOAD_INVALID", "request body too slow"),
    /** A request with more header fields than the server accepts: {@code UNSUPPORTED} on the wire, with 431. */
    TOO_MANY_HEADERS(431, "UNSUPPORTED", "request header fields too large"),
    /**
     * Wharf's addition: the registry's storage is full; nothing of the request was kept. Reads go on, and writes
     * work again once space is freed. 507 Insufficient Storage.
     */
    STORAGE_FULL(507, "storage is full"),
    /**
     * A pull-through mirror could not get content it does not hold from its upstream: the upstream was
     * unreachable, too slow, answered with a server error, or sent bytes that did not match their digest.
     */
    UPSTREAM_UNAVAILABLE(502, "upstream registry unavailable");

    private final int httpStatus;
    private final String wireCode;
    private final String description;

    ErrorCode(int httpStatus, String description) {
        this.httpStatus = httpStatus;
        this.wireCode = name();
        this.description = description;
    }

    ErrorCode(int httpStatus, String wireCode, String description) {
        this.httpStatus = httpStatus;
        this.wireCode = wireCode;
        this.description = description;
    }

    /** The HTTP status this code is answered with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The {@code code} written in the error envelope: the entry's name unless the catalogue says otherwise. */
    public String wireCode() {
        return wireCode;
    }

    /** The catalogue's one-line description, used when no better message is known. */
    public String description() {
        return description;
    }
}
