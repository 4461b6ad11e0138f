package dev.wharf.api;

/**
 * What a quota scope holds, as Wharf counts it for quotas.
 *
 * <ul>
 *   <li>{@code bytes}: the size of every distinct digest the scope's repositories link as a blob or hold as a
 *       manifest, each digest once per scope however many of its repositories hold it (global de-duplication
 *       makes a second copy free, so it costs nothing here either). Mounting a blob into a repository of the
 *       scope counts it there, unless the scope already held it. Upload sessions in progress are not counted:
 *       their bytes count when the upload completes.</li>
 *   <li>{@code manifests}: manifests held, each (repository, digest) once.</li>
 *   <li>{@code tags}: tags, each (repository, tag) once.</li>
 *   <li>{@code repositories}: repositories that hold a blob link or a manifest.</li>
 * </ul>
 *
 * @param bytes        stored bytes, de-duplicated within the scope
 * @param manifests    manifests held
 * @param tags         tags held
 * @param repositories repositories holding anything
 */
public record Usage(long bytes, long manifests, long tags, long repositories) {
    /** Nothing held. */
    public static final Usage ZERO = new Usage(0, 0, 0, 0);

    /** The things a quota counts. */
    public enum Kind {
        BYTES, MANIFESTS, TAGS, REPOSITORIES;

        /** The lowercase name used in error details and configuration. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The count of {@code kind}. */
    public long of(Kind kind) {
        return switch (kind) {
            case BYTES -> bytes;
            case MANIFESTS -> manifests;
            case TAGS -> tags;
            case REPOSITORIES -> repositories;
        };
    }

    /** This usage with {@code delta} added, kind by kind. */
    public Usage plus(Usage delta) {
        return new Usage(bytes + delta.bytes, manifests + delta.manifests, tags + delta.tags,
                repositories + delta.repositories);
    }

    /** True when nothing is held. */
    public boolean isZero() {
        return equals(ZERO);
    }
}
