package dev.wharf.servlet.limit;

/**
 * The separate budgets a client spends: requests that read, requests that write, and the bytes of the bodies it
 * uploads. Spending one never spends another, except that a write with a body spends both {@link #WRITES} and
 * {@link #UPLOAD_BYTES}.
 */
public enum Budget {
    /** {@code GET} and {@code HEAD} requests. */
    READS("reads"),
    /** {@code POST}, {@code PUT}, {@code PATCH} and {@code DELETE} requests. */
    WRITES("writes"),
    /** The bytes of request bodies: blob uploads (single-request pushes, chunks, final chunks) and manifests. */
    UPLOAD_BYTES("uploadBytes");

    private final String key;

    Budget(String key) {
        this.key = key;
    }

    /**
     * The budget's name in configuration files and in the {@code detail} of a {@code 429}: {@code reads},
     * {@code writes} or {@code uploadBytes}.
     */
    public String key() {
        return key;
    }
}
