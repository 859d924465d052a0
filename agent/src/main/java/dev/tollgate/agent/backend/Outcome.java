package dev.tollgate.agent.backend;

/**
 * What a backend answered to one step of a counter. Immutable; never carries a secret.
 *
 * <pre>{@code
 * Outcome o = backend.take("export", 1, 0);
 * if (o.status() == Outcome.Status.GRANTED) { ... o.value() credits left ... }
 * }</pre>
 */
public final class Outcome {

    /** The value is not known (the backend was not reached, or did not say). */
    public static final long UNKNOWN = Long.MIN_VALUE;

    /** How a step ended. */
    public enum Status {
        /** The step was applied; {@link #value()} is the counter after it. */
        GRANTED,
        /** The step would have crossed the bound and was refused whole; nothing changed. */
        BOUND_REACHED,
        /**
         * The backend refused for a reason the vendor has to fix (token permissions, key, product,
         * a corrupt ledger); {@link #detail()} says what. Retrying will not help.
         */
        MISCONFIGURED,
        /**
         * The backend could not be reached in time or answered something unreadable; the step may or
         * may not have been applied (see {@link #ambiguous()}). The feature's failure policy decides.
         */
        UNAVAILABLE
    }

    private final Status status;
    private final long value;
    private final String detail;
    private final boolean ambiguous;
    /** -1: not rate limited; 0: rate limited without a usable wait; else how long the backend asked to wait. */
    private final long retryAfterMillis;

    private Outcome(Status status, long value, String detail, boolean ambiguous) {
        this(status, value, detail, ambiguous, -1);
    }

    private Outcome(Status status, long value, String detail, boolean ambiguous, long retryAfterMillis) {
        this.status = status;
        this.value = value;
        this.detail = detail;
        this.ambiguous = ambiguous;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** The step was applied; {@code valueAfter} is the counter after it. */
    public static Outcome granted(long valueAfter) {
        return new Outcome(Status.GRANTED, valueAfter, null, false);
    }

    /** The step was refused at the bound; {@code current} is the counter's value, or {@link #UNKNOWN}. */
    public static Outcome boundReached(long current) {
        return new Outcome(Status.BOUND_REACHED, current, null, false);
    }

    /** The vendor must fix something; {@code detail} says what, for people, with no secret in it. */
    public static Outcome misconfigured(String detail) {
        return new Outcome(Status.MISCONFIGURED, UNKNOWN, detail, false);
    }

    /** The backend was not usable and the step was certainly not applied. */
    public static Outcome unavailable(String detail) {
        return new Outcome(Status.UNAVAILABLE, UNKNOWN, detail, false);
    }

    /**
     * The backend was not usable after the request may have reached it (for example a read timeout
     * after sending): the step may have been applied. Callers that retry must read the counter back
     * first.
     */
    public static Outcome ambiguous(String detail) {
        return new Outcome(Status.UNAVAILABLE, UNKNOWN, detail, true);
    }

    /**
     * The backend refused to serve because too many requests came (HTTP 429): the step was certainly not
     * applied. {@code retryAfterMillis} is how long it asked to wait before the next request, 0 when it did
     * not say (or said nothing usable).
     *
     * <pre>{@code
     * Outcome o = Outcome.rateLimited("DecrementIntValueToKey answered HTTP 429 (too many requests)", 1000);
     * o.rateLimited();        // true; o.status() is UNAVAILABLE and o.ambiguous() false
     * }</pre>
     */
    public static Outcome rateLimited(String detail, long retryAfterMillis) {
        return new Outcome(Status.UNAVAILABLE, UNKNOWN, detail, false, Math.max(0, retryAfterMillis));
    }

    /** The same outcome with another detail (a redacted one, say); status, value and flags are kept. */
    public Outcome withDetail(String newDetail) {
        return new Outcome(status, value, newDetail, ambiguous, retryAfterMillis);
    }

    public Status status() {
        return status;
    }

    /** The counter's value (see the status), or {@link #UNKNOWN}. */
    public long value() {
        return value;
    }

    /** For people: what happened and, for {@link Status#MISCONFIGURED}, what to fix. May be null. */
    public String detail() {
        return detail;
    }

    /** Whether the step may have been applied although the answer was lost. */
    public boolean ambiguous() {
        return ambiguous;
    }

    /** Whether the backend said it was asked too often ({@link #rateLimited(String, long)}). */
    public boolean rateLimited() {
        return retryAfterMillis >= 0;
    }

    /** With {@link #rateLimited()}: how long the backend asked to wait, 0 when it did not say; else -1. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    public boolean isGranted() {
        return status == Status.GRANTED;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(status.name());
        if (value != UNKNOWN) {
            s.append(" value=").append(value);
        }
        if (ambiguous) {
            s.append(" (ambiguous)");
        }
        if (rateLimited()) {
            s.append(" (rate limited").append(retryAfterMillis > 0 ? ", retry after " + retryAfterMillis + " ms" : "")
                    .append(')');
        }
        if (detail != null) {
            s.append(": ").append(detail);
        }
        return s.toString();
    }
}
