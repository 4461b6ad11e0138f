package dev.wharf.testing.launcher;

import dev.wharf.s3.S3BlobStore;
import dev.wharf.s3.S3Location;

/** The launcher's only door to the S3 classes, entered only when {@code --blobs s3://…} is given ({@link BlobFlags}). */
final class S3Blobs {
    private S3Blobs() {
    }

    /** Parses the flags' values without contacting the store. */
    static void check(BlobFlags flags) {
        try {
            try {
                S3Location.parse(flags.location().orElseThrow());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--blobs: " + e.getMessage(), e);
            }
            try {
                options(flags); // the endpoint and region are checked as they are read: only the lifetime is left
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--s3-redirects: " + e.getMessage(), e);
            }
        } catch (NoClassDefFoundError e) {
            throw new IllegalArgumentException("--blobs s3://… needs Wharf's storage-s3 module on the class path"
                    + " (wharf-registry.jar has it)", e);
        }
    }

    /** Opens the store, checking that its bucket can be used. */
    static S3BlobStore open(BlobFlags flags) {
        return S3BlobStore.open(S3Location.parse(flags.location().orElseThrow()), options(flags));
    }

    private static S3BlobStore.Options options(BlobFlags flags) {
        S3BlobStore.Options options = S3BlobStore.Options.defaults().pathStyle(flags.pathStyle());
        if (flags.endpoint().isPresent()) {
            options = options.endpoint(flags.endpoint().get());
        }
        if (flags.region().isPresent()) {
            options = options.region(flags.region().get());
        }
        if (flags.redirects().isPresent()) {
            options = options.redirects(flags.redirects().get());
        }
        return options;
    }
}
