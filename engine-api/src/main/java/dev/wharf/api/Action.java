package dev.wharf.api;

/** What a caller wants to do to a repository; the unit of authorisation asked of the Authorizer. */
public enum Action {
    /** Read manifests, blobs, tags and referrers; also what makes a repository a valid mount source. */
    PULL,
    /** Upload blobs, push manifests, move tags, mount into the repository. */
    PUSH,
    /** Delete tags, manifests and blob links. */
    DELETE,
    /** See the repository listed in the catalog; listing also needs {@link #PULL} (read access). */
    CATALOG
}
