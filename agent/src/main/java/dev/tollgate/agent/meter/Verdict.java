package dev.tollgate.agent.meter;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.UsageDeniedException.Reason;
import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.log.Log;

/**
 * What a {@link Charge} decided for one call: {@link #GO} (charged), {@link #GO_UNCHARGED} (runs, but was not
 * charged: the backend failed and {@code onBackendFailure: allow} lets it run, so there is nothing to refund), or
 * {@link #denied} with what the denial exception says besides the units asked for (the site's cost, which the
 * site knows). The two ways to go are shared constants, so the call path allocates nothing.
 *
 * <pre>{@code
 * Verdict v = charge.charge(calls, cost);
 * if (v == Verdict.GO) { ... run it ... }
 * else if (v.denied()) { throw new UsageDeniedException(feature, v.reason, cost, v.left, v.cap, v.detail); }
 * }</pre>
 */
final class Verdict {

    /** Charged: the call goes ahead. */
    static final Verdict GO = new Verdict(null, UsageDeniedException.UNKNOWN, UsageDeniedException.UNKNOWN, null);

    /** Not charged, and the call goes ahead all the same: it has nothing to give back if it throws. */
    static final Verdict GO_UNCHARGED = new Verdict(null, UsageDeniedException.UNKNOWN, UsageDeniedException.UNKNOWN,
            null);

    /** Why the call is denied; null for the two ways to go. */
    final Reason reason;
    /** Units left (credits above the floor, room under the cap), or {@link UsageDeniedException#UNKNOWN}. */
    final long left;
    /** The usage cap when the reason is {@link Reason#CAP_REACHED} and it is known, else {@code UNKNOWN}. */
    final long cap;
    final String detail;

    private Verdict(Reason reason, long left, long cap, String detail) {
        this.reason = reason;
        this.left = left;
        this.cap = cap;
        this.detail = detail;
    }

    /** A denial for {@code reason}; {@code left} below 0 means not known. */
    static Verdict denied(Reason reason, long left, String detail) {
        return new Verdict(reason, Math.max(UsageDeniedException.UNKNOWN, left), UsageDeniedException.UNKNOWN, detail);
    }

    /** A usage call refused at {@code cap} with {@code room} left under it ({@code UNKNOWN}: not known). */
    static Verdict capReached(long room, long cap) {
        return new Verdict(Reason.CAP_REACHED, Math.max(UsageDeniedException.UNKNOWN, room), cap, null);
    }

    /** A call refused at the counter's bound, {@code free} units (or {@code UNKNOWN}) still free under it. */
    static Verdict boundReached(Counter counter, long free) {
        return counter.credits() ? denied(Reason.CREDITS_EXHAUSTED, free, null) : capReached(free, counter.cap());
    }

    /** A call the backend refused as misconfigured (a wrong key, a counter that does not exist), said once. */
    static Verdict misconfigured(String feature, String detail) {
        Log.errorOnce("misconfigured:" + feature + ":" + detail, "feature '" + feature + "': " + detail
                + "; its calls are denied until this is fixed");
        return denied(Reason.MISCONFIGURED, -1, detail);
    }

    /**
     * A call the backend ({@code backend}, for the line) could not charge, run uncharged by
     * {@code onBackendFailure: allow}; said once.
     */
    static Verdict uncharged(String feature, String backend, String detail) {
        Log.warnOnce("allow:" + feature, "feature '" + feature + "': " + backend + " is unavailable (" + detail
                + "); calls run uncharged by onBackendFailure: allow");
        return GO_UNCHARGED;
    }

    /** A call the backend ({@code backend}, for the line) could not charge, denied by the policy; said once. */
    static Verdict unavailable(String feature, String backend, String detail) {
        Log.warnOnce("deny:" + feature, "feature '" + feature + "': " + backend + " is unavailable (" + detail
                + "); calls are denied by onBackendFailure: deny");
        return denied(Reason.BACKEND_UNAVAILABLE, -1, detail);
    }

    /** Whether the call is denied (else it goes, charged or not). */
    boolean denied() {
        return reason != null;
    }

    @Override
    public String toString() {
        return this == GO ? "go" : this == GO_UNCHARGED ? "go uncharged"
                : "denied: " + reason + " (left " + left + ")" + (detail == null ? "" : ": " + detail);
    }
}
