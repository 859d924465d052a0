package dev.tollgate.agent.config;

/**
 * How one feature is charged, from {@code features.<name>} in the config.
 *
 * <pre>{@code
 * features:
 *   export:
 *     mode: credits          # credits (pay upfront) | usage (pay per use)
 *     cost: 1                # units per call unless the annotation or rule gives one
 *     bound: 0               # credits: lowest balance; usage: highest total (cap)
 *     exception: com.acme.OutOfCreditsException
 *     onBackendFailure: deny # deny | allow | grace
 *     refund: onException    # never (default) | onException
 *     sync: leased           # strict | leased | batched; see Sync
 * }</pre>
 */
public final class Feature {

    /** The two billing models. */
    public enum Mode {
        /** Pay upfront: a counter of credits left is decremented, never below the bound. */
        CREDITS,
        /** Pay per use: a counter of units used is incremented, never above the cap when one is set. */
        USAGE
    }

    /** What a call does when the backend cannot answer. */
    public enum OnFailure {
        /** Deny the call (the default): never free usage. */
        DENY,
        /** Run the call uncharged and say so once; the usage is lost to billing. */
        ALLOW,
        /**
         * Serve the call from the journal, within the feature's grace limits ({@link Sync#graceUnits()},
         * {@link Sync#graceMillis()}), and send it to the backend when it is back; beyond them, deny as offline.
         */
        GRACE
    }

    private final String name;
    private final Mode mode;
    private final int cost;
    private final Long bound;
    private final String exception;
    private final OnFailure onBackendFailure;
    private final String counter;
    private final boolean refundOnException;
    private final Sync sync;
    private final int line;
    private final int exceptionLine;

    /** A feature built in code (tests, tools); the loader checks what a config file says. */
    public Feature(String name, Mode mode, int cost, Long bound, String exception, OnFailure onBackendFailure,
            String counter, boolean refundOnException, Sync sync, int line, int exceptionLine) {
        this.name = name;
        this.mode = mode;
        this.cost = cost;
        this.bound = bound;
        this.exception = exception;
        this.onBackendFailure = onBackendFailure;
        this.counter = counter;
        this.refundOnException = refundOnException;
        this.sync = sync;
        this.line = line;
        this.exceptionLine = exceptionLine;
    }

    public String name() {
        return name;
    }

    public Mode mode() {
        return mode;
    }

    /** Units per call when the annotation or rule gives none; at least 1. */
    public int cost() {
        return cost;
    }

    /**
     * The bound: for credits the lowest balance (default 0), for usage the cap ({@code null}: none).
     */
    public Long bound() {
        return bound;
    }

    /** The credits floor: {@link #bound()} or 0. */
    public long lowerBound() {
        return bound == null ? 0 : bound;
    }

    /** The exception class to throw on denial, or {@code null} for the config's default. */
    public String exception() {
        return exception;
    }

    public OnFailure onBackendFailure() {
        return onBackendFailure;
    }

    /** The backend counter's name: {@code dataObject} in the config, else the feature name. */
    public String counter() {
        return counter;
    }

    /** {@code refund: onException}: a call whose method threw gets its charge back. */
    public boolean refundsOnException() {
        return refundOnException;
    }

    /** {@code sync} and the keys that tune it; never {@code null}. */
    public Sync sync() {
        return sync;
    }

    /** The line of {@code features.<name>} in the config file, for messages; 0 when not from a file. */
    public int line() {
        return line;
    }

    /** The line of {@code features.<name>.exception}, or 0. */
    int exceptionLine() {
        return exceptionLine;
    }

    @Override
    public String toString() {
        return name + " (" + mode.name().toLowerCase(java.util.Locale.ROOT) + ", cost " + cost
                + (bound == null ? "" : ", bound " + bound) + ")";
    }
}
