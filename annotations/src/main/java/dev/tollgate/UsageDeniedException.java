package dev.tollgate;

/**
 * Thrown instead of running a {@link Metered} method when its charge is denied.
 *
 * <pre>{@code
 * try {
 *     reports.export(query);
 * } catch (UsageDeniedException e) {
 *     if (e.getReason() == UsageDeniedException.Reason.CREDITS_EXHAUSTED) {
 *         ui.offerTopUp(e.getFeature());
 *     }
 *     ui.show(e.getMessage());   // Feature 'export' denied: 0 credits left (needs 1)
 * }
 * }</pre>
 *
 * <p>A vendor may configure another exception per feature. That class must be unchecked and have a
 * public constructor taking, in order of preference, a {@code UsageDeniedException} (subclasses
 * pass it to {@link #UsageDeniedException(UsageDeniedException)}), a {@code (String, Throwable)}
 * pair, or a {@code String}. What becomes of the denial depends on that constructor: a subclass built
 * with {@code super(denial)} is a copy of the denial (same feature, reason, units and message) and has no
 * cause; with {@code (String, Throwable)} the denial is passed as the cause; with {@code (String)} the
 * denial is made the cause unless the constructor set one.
 *
 * <p>Messages say what is left: {@code Feature 'export' denied: 1 credit left (needs 2)},
 * {@code Feature 'render' denied: usage cap reached: used 9 of 10 (needs 2)}.
 */
public class UsageDeniedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Units left are not known, for example when the backend could not be reached. */
    public static final long UNKNOWN = -1;

    /**
     * Why a charge was denied. Later versions may add reasons: give a {@code switch} over it a {@code default}
     * branch, since a switch expression without one fails on a reason it was not compiled with.
     */
    public enum Reason {
        /** Prepaid credits would fall below the feature's lower bound. */
        CREDITS_EXHAUSTED("no credits left"),
        /** Usage would rise above the feature's cap. */
        CAP_REACHED("usage cap reached"),
        /** The licensing backend could not be reached or answered garbage, and the policy denies. */
        BACKEND_UNAVAILABLE("licensing backend unavailable"),
        /**
         * The licensing backend has been unreachable for longer than the feature's offline grace allows
         * ({@code onBackendFailure: grace}): its units or its time are used up until the backend is back.
         */
        OFFLINE("offline grace used up"),
        /** The agent's configuration or ledger is broken; the startup lines of the agent say how. */
        MISCONFIGURED("misconfigured");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** A short phrase for people, e.g. {@code no credits left}. */
        public String text() {
            return text;
        }
    }

    private final String feature;
    private final Reason reason;
    private final long unitsRequested;
    private final long unitsLeft;
    private final long cap;
    private final String detail;

    /**
     * A denial.
     *
     * @param feature the feature whose charge was denied
     * @param reason why
     * @param unitsRequested the units the call needed
     * @param unitsLeft the units still available (credits left, or room below the cap), or
     *     {@link #UNKNOWN}
     * @param detail what a person should know or do, or {@code null}
     */
    public UsageDeniedException(String feature, Reason reason, long unitsRequested, long unitsLeft,
            String detail) {
        this(feature, reason, unitsRequested, unitsLeft, UNKNOWN, detail);
    }

    /**
     * A denial that knows the usage cap, so that its message says how much was used:
     * {@code new UsageDeniedException("render", Reason.CAP_REACHED, 2, 1, 10, null)} reads
     * {@code Feature 'render' denied: usage cap reached: used 9 of 10 (needs 2)}.
     *
     * @param cap the usage cap of a {@link Reason#CAP_REACHED} denial, or {@link #UNKNOWN}
     */
    public UsageDeniedException(String feature, Reason reason, long unitsRequested, long unitsLeft, long cap,
            String detail) {
        super(message(feature, reason, unitsRequested, unitsLeft, cap, detail));
        this.feature = feature;
        this.reason = reason;
        this.unitsRequested = unitsRequested;
        this.unitsLeft = unitsLeft;
        this.cap = cap;
        this.detail = detail;
    }

    /**
     * Copies a denial; for subclasses that a vendor configures as the feature's exception.
     *
     * <pre>{@code
     * public class OutOfCreditsException extends UsageDeniedException {
     *     public OutOfCreditsException(UsageDeniedException denial) { super(denial); }
     * }
     * }</pre>
     */
    protected UsageDeniedException(UsageDeniedException denial) {
        this(denial.feature, denial.reason, denial.unitsRequested, denial.unitsLeft, denial.cap, denial.detail);
    }

    /** The feature, as named in {@code @Metered} or in a retrofit rule. */
    public String getFeature() {
        return feature;
    }

    /** Why the charge was denied. */
    public Reason getReason() {
        return reason;
    }

    /** The units the denied call needed. */
    public long getUnitsRequested() {
        return unitsRequested;
    }

    /** The units still available when known (credits left, or room below the cap), else {@link #UNKNOWN}. */
    public long getUnitsLeft() {
        return unitsLeft;
    }

    /**
     * The usage cap of a {@link Reason#CAP_REACHED} denial when known, else {@link #UNKNOWN}; the units used
     * are then {@code getCap() - getUnitsLeft()}.
     */
    public long getCap() {
        return cap;
    }

    /** What a person should know or do about it, or {@code null}. */
    public String getDetail() {
        return detail;
    }

    private static String message(String feature, Reason reason, long requested, long left, long cap,
            String detail) {
        StringBuilder m = new StringBuilder("Feature '").append(feature).append("' denied: ");
        if (reason == Reason.CREDITS_EXHAUSTED && left != UNKNOWN) {
            m.append(left).append(left == 1 ? " credit" : " credits").append(" left (needs ").append(requested)
                    .append(')');
        } else if (reason == Reason.CAP_REACHED) {
            m.append(reason.text());
            if (cap != UNKNOWN && left != UNKNOWN) {
                m.append(": used ").append(cap - left).append(" of ").append(cap);
            } else if (cap != UNKNOWN) {
                m.append(": the cap is ").append(cap);
            }
            m.append(" (needs ").append(requested);
            if (cap == UNKNOWN && left != UNKNOWN) {
                m.append(", room for ").append(left);
            }
            m.append(')');
        } else {
            m.append(reason == null ? "unknown reason" : reason.text());
            if (reason == Reason.CREDITS_EXHAUSTED) {
                m.append(" (needs ").append(requested).append(')');
            }
        }
        if (detail != null && !detail.isEmpty()) {
            m.append(": ").append(detail);
        }
        return m.toString();
    }
}
