package dev.wharf.spi;

import dev.wharf.api.Usage;

/**
 * Thrown by a metadata store's mutating method when the change would take a quota scope past one of its
 * limits ({@link UsageTally#apply}); the change did not happen. The engine turns it into the registry's quota
 * error.
 */
public final class QuotaExceededException extends RuntimeException {
    private final String scope;
    private final Usage.Kind kind;
    private final long limit;
    private final long used;
    private final long requested;

    /**
     * @param scope     the scope whose limit the change would cross
     * @param kind      what it counts
     * @param limit     the limit
     * @param used      what the scope held before the change
     * @param requested what the change would add
     */
    public QuotaExceededException(String scope, Usage.Kind kind, long limit, long used, long requested) {
        super("quota of " + scope + " exceeded: " + kind.label() + " limit " + limit + ", used " + used
                + ", requested " + requested, null, false, false);
        this.scope = scope;
        this.kind = kind;
        this.limit = limit;
        this.used = used;
        this.requested = requested;
    }

    public String scope() {
        return scope;
    }

    public Usage.Kind kind() {
        return kind;
    }

    public long limit() {
        return limit;
    }

    public long used() {
        return used;
    }

    public long requested() {
        return requested;
    }
}
