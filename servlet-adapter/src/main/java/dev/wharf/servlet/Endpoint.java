package dev.wharf.servlet;

import java.util.List;

/**
 * Every operation the HTTP API offers, with the spec's endpoint ids (distribution-spec "Endpoints" table)
 * and the methods that reach it. {@link Routes} maps paths to these; {@link RegistryServlet} maps each to
 * its handler, and refuses to start if one is missing.
 */
enum Endpoint {
    /** end-1: {@code GET /v2/}, the API version check. */
    BASE("end-1", "GET"),
    /** {@code GET /v2/_catalog}: repository listing (not in the spec's table; CNCF distribution's API). */
    CATALOG("catalog", "GET"),
    /** {@code GET /v2/_wharf/ext/events}: the event log, for consumers that poll ({@link EventsHandler}). */
    EVENTS("wharf-events", "GET"),
    /** {@code GET /v2/_wharf/ext/usage?scope=}: a quota scope's usage and limits ({@link UsageHandler}). */
    USAGE("wharf-usage", "GET"),
    /** {@code GET /v2/<name>/_wharf/ext/usage}: the usage of every quota scope counting the repository. */
    REPOSITORY_USAGE("wharf-usage", "GET"),
    /** {@code GET /v2/_wharf/ext/search}: search of the registry's tags ({@link SearchHandler}). */
    SEARCH("wharf-search", "GET"),
    /** {@code GET /v2/<name>/_wharf/ext/tags}: search of one repository's tags, with what each one is. */
    REPOSITORY_SEARCH("wharf-search", "GET"),
    /** {@code GET /v2/_oci/ext/discover}: the extensions this registry supports. */
    DISCOVER("ext-discover", "GET"),
    /** {@code GET /v2/<name>/_oci/ext/discover}: the same, scoped to a repository. */
    REPOSITORY_DISCOVER("ext-discover", "GET"),
    /** end-4a/4b/4c/11: {@code POST /v2/<name>/blobs/uploads/} to start, push monolithically or mount. */
    UPLOAD_START("end-4a/4b/4c/11", "POST"),
    /** end-13: {@code GET <blob-push-location>}, an open session's accepted range. */
    UPLOAD_STATUS("end-13", "GET"),
    /** end-5: {@code PATCH <blob-push-location>}, one chunk. */
    UPLOAD_CHUNK("end-5", "PATCH"),
    /** end-6: {@code PUT <blob-push-location>?digest=}, close the session. */
    UPLOAD_COMPLETE("end-6", "PUT"),
    /** end-14: {@code DELETE <blob-push-location>}, cancel the session. */
    UPLOAD_CANCEL("end-14", "DELETE"),
    /** end-2: {@code GET/HEAD /v2/<name>/blobs/<digest>}. */
    BLOB_READ("end-2", "GET", "HEAD"),
    /** end-10: {@code DELETE /v2/<name>/blobs/<digest>}. */
    BLOB_DELETE("end-10", "DELETE"),
    /** end-3: {@code GET/HEAD /v2/<name>/manifests/<reference>}. */
    MANIFEST_READ("end-3", "GET", "HEAD"),
    /** end-7a/7b: {@code PUT /v2/<name>/manifests/<reference>[?tag=...]}. */
    MANIFEST_PUT("end-7a/7b", "PUT"),
    /** end-9: {@code DELETE /v2/<name>/manifests/<reference>}. */
    MANIFEST_DELETE("end-9", "DELETE"),
    /** end-8a/8b: {@code GET /v2/<name>/tags/list[?n=&last=]}. */
    TAGS_LIST("end-8a/8b", "GET"),
    /** end-12a/12b: {@code GET /v2/<name>/referrers/<digest>[?artifactType=]}. */
    REFERRERS("end-12a/12b", "GET");

    private final String specId;
    private final List<String> methods;

    Endpoint(String specId, String... methods) {
        this.specId = specId;
        this.methods = List.of(methods);
    }

    /** The spec's endpoint id(s), for logs and messages. */
    String specId() {
        return specId;
    }

    /** HTTP methods that reach this endpoint. */
    List<String> methods() {
        return methods;
    }
}
