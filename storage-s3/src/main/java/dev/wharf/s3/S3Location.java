package dev.wharf.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a registry's blobs live in object storage: a bucket and a key prefix, written {@code s3://BUCKET/PREFIX}
 * (the launcher's {@code --blobs} value). Every object Wharf writes is under the prefix, so one bucket can hold
 * several registries, or other data beside one.
 *
 * @param bucket the bucket, named by S3's rules (3–63 lower-case letters, digits, dots and hyphens)
 * @param prefix the key prefix: empty, or segments separated by {@code /} ending in {@code /}
 */
public record S3Location(String bucket, String prefix) {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9!_.*'()-]+");

    /** Checks both parts; a prefix without its closing {@code /} gets one. */
    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("'" + bucket + "' is not an S3 bucket name: 3 to 63 lower-case"
                    + " letters, digits, '.' and '-', starting and ending with a letter or digit");
        }
        if (!prefix.isEmpty()) {
            if (!prefix.endsWith("/")) {
                prefix = prefix + "/";
            }
            for (String segment : prefix.substring(0, prefix.length() - 1).split("/", -1)) {
                if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                    throw new IllegalArgumentException("'" + prefix + "' is not a usable key prefix: segments of"
                            + " letters, digits and !_.*'()- separated by single '/', none of them '.' or '..'");
                }
            }
        }
    }

    /**
     * Parses {@code s3://BUCKET} or {@code s3://BUCKET/PREFIX}.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code uri}
     */
    public static S3Location parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + uri + "' is not an s3://BUCKET/PREFIX location: " + e.getMessage(), e);
        }
        if (!"s3".equals(parsed.getScheme()) || parsed.getRawAuthority() == null || parsed.getQuery() != null
                || parsed.getFragment() != null || parsed.getRawUserInfo() != null || parsed.getPort() != -1) {
            throw new IllegalArgumentException("'" + uri + "' is not an s3://BUCKET/PREFIX location");
        }
        String path = parsed.getPath() == null ? "" : parsed.getPath();
        String prefix = path.startsWith("/") ? path.substring(1) : path;
        return new S3Location(parsed.getRawAuthority(), prefix);
    }

    /** The key of {@code name} under this location's prefix. */
    String key(String name) {
        return prefix + name;
    }

    /** {@code s3://BUCKET/PREFIX}, as {@link #parse} reads it. */
    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }
}
