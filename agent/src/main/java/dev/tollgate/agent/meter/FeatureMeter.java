package dev.tollgate.agent.meter;

import java.util.OptionalLong;

import dev.tollgate.UsageDeniedException.Reason;
import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.config.Feature;
import dev.tollgate.agent.log.Log;

/**
 * Charges one feature on the backend, one backend step per call (the {@code strict} strategy), and
 * turns the backend's {@link Outcome} into a go or a {@link Denial} by the feature's failure policy.
 * A feature that cannot be trusted (not configured, config broken) denies every call as misconfigured.
 */
final class FeatureMeter {

    final String name;
    /** Each thread's calls of this feature: how deep (for re-entrancy) and its journal slot. */
    final CallsByThread calls;
    final String exceptionClass;
    final String exceptionKey;
    private final Feature feature;
    private final Backend backend;
    private final String misconfigured;
    /** For {@code sync: leased} and {@code batched}: what may be served from the journal; null when strict. */
    private final Allowance allowance;
    /** For a strict feature that refunds: refunds the backend could not take yet; else null. */
    private final Refunds refunds;

    private FeatureMeter(String name, Feature feature, Backend backend, String exceptionClass,
            String exceptionKey, String misconfigured, Allowance allowance, Refunds refunds) {
        this.name = name;
        this.calls = allowance != null ? allowance.calls : new CallsByThread(false);
        this.feature = feature;
        this.backend = backend;
        this.exceptionClass = exceptionClass;
        this.exceptionKey = exceptionKey;
        this.misconfigured = misconfigured;
        this.allowance = allowance;
        this.refunds = refunds;
    }

    /** A strict feature; {@code syncer} retries the refunds the backend could not take at once. */
    static FeatureMeter of(Feature feature, Backend backend, String exceptionClass, String exceptionKey,
            Syncer syncer) {
        Refunds refunds = feature.refundsOnException() ? new Refunds(feature.name(), backend, feature.counter(),
                feature.mode() == Feature.Mode.CREDITS, syncer) : null;
        return new FeatureMeter(feature.name(), feature, backend, exceptionClass, exceptionKey, null, null,
                refunds);
    }

    /** A feature served from the journal by {@code allowance}. */
    static FeatureMeter journaled(Feature feature, Backend backend, String exceptionClass,
            String exceptionKey, Allowance allowance) {
        // Its refunds are local; only calls after the journal was settled at exit refund strictly, once.
        return new FeatureMeter(feature.name(), feature, backend, exceptionClass, exceptionKey, null,
                allowance, null);
    }

    /** A feature whose every call is denied as misconfigured, for {@code why}. */
    static FeatureMeter denying(String name, String why, String exceptionClass, String exceptionKey) {
        return new FeatureMeter(name, null, null, exceptionClass, exceptionKey, why, null, null);
    }

    /** Units per call for a site that gave {@code siteCost} (0: none given). */
    int cost(int siteCost) {
        if (siteCost > 0) {
            return siteCost;
        }
        return feature == null ? 1 : feature.cost();
    }

    /** The usage cap, for a denial's message; {@link dev.tollgate.UsageDeniedException#UNKNOWN} when none. */
    long cap() {
        return feature == null || feature.mode() != Feature.Mode.USAGE || feature.bound() == null
                ? dev.tollgate.UsageDeniedException.UNKNOWN : feature.bound();
    }

    /** From a closed {@link Allowance}: charge this call with one backend step. */
    static final Denial STRICTLY = new Denial(null, 0, -1, "charge strictly");

    /** The answer to {@link #charge} when the call may go ahead without having been charged. */
    static final Denial UNCHARGED = new Denial(null, 0, -1, "allowed uncharged");

    /**
     * Charges {@code units}: {@code null} to go ahead, {@link #UNCHARGED} to go ahead without a charge
     * (the backend failed and the policy allows), else why not. Never throws.
     */
    Denial charge(Metering.Calls c, int units) {
        if (misconfigured != null) {
            return new Denial(Reason.MISCONFIGURED, units, -1, misconfigured);
        }
        if (allowance != null) {
            Denial d = allowance.charge(c, units);
            if (d != STRICTLY) {
                return d;
            }
        }
        Outcome o;
        long cap = Backend.NO_CAP;
        try {
            if (feature.mode() == Feature.Mode.CREDITS) {
                o = backend.take(feature.counter(), units, feature.lowerBound());
            } else {
                cap = feature.bound() == null ? Backend.NO_CAP : feature.bound();
                o = backend.add(feature.counter(), units, cap);
            }
        } catch (Throwable failure) {
            o = Outcome.unavailable("backend failed: " + failure.getClass().getName());
        }
        switch (o.status()) {
            case GRANTED:
                return null;
            case BOUND_REACHED:
                if (feature.mode() == Feature.Mode.CREDITS) {
                    long left = o.value() == Outcome.UNKNOWN ? -1 : Math.max(0, o.value() - feature.lowerBound());
                    return new Denial(Reason.CREDITS_EXHAUSTED, units, left, null);
                }
                long room = o.value() == Outcome.UNKNOWN ? -1 : Math.max(0, cap - o.value());
                return new Denial(Reason.CAP_REACHED, units, room, null);
            case MISCONFIGURED:
                Log.errorOnce("misconfigured:" + name + ":" + o.detail(), "feature '" + name + "': " + o.detail()
                        + "; its calls are denied until this is fixed");
                return new Denial(Reason.MISCONFIGURED, units, -1, o.detail());
            case UNAVAILABLE:
            default:
                if (feature.onBackendFailure() == Feature.OnFailure.ALLOW) {
                    Log.warnOnce("allow:" + name, "feature '" + name + "': " + backend.describe() + " is unavailable ("
                            + o.detail() + "); calls run uncharged by onBackendFailure: allow");
                    return UNCHARGED;
                }
                Log.warnOnce("deny:" + name, "feature '" + name + "': " + backend.describe() + " is unavailable ("
                        + o.detail() + "); calls are denied by onBackendFailure: deny");
                return new Denial(Reason.BACKEND_UNAVAILABLE, units, -1, o.detail());
        }
    }

    /** Whether a call of this feature whose method threw gets its charge back. */
    boolean refundsOnException() {
        return feature != null && feature.refundsOnException();
    }

    /** Gives back {@code units} charged by a call that threw; a refund that fails is reported, once. Never throws. */
    void refund(Metering.Calls c, int units) {
        if (allowance != null && allowance.refund(c, units)) {
            return;
        }
        Outcome o;
        try {
            o = backend.refund(feature.counter(), units, feature.mode() == Feature.Mode.CREDITS);
        } catch (Throwable failure) {
            o = Outcome.unavailable("backend failed: " + failure.getClass().getName());
        }
        if (o.isGranted() || o.ambiguous()) {
            return; // a lost answer counts as given: a refund is never sent twice
        }
        if (o.status() == Outcome.Status.UNAVAILABLE && refunds != null) {
            Log.warnOnce("refund:" + name, "feature '" + name + "': the charge of a call that threw could not be "
                    + "given back yet (" + o + "); it is kept and sent again");
            refunds.owe(units);
        } else {
            Log.warnOnce("refund:" + name, "feature '" + name + "': the charge of a call that threw could not be "
                    + "given back (" + o + "); that refund is lost");
        }
    }

    /** Credits left above the floor, or units used; empty when not known. */
    OptionalLong balance() {
        if (misconfigured != null) {
            return OptionalLong.empty();
        }
        if (allowance != null) {
            return allowance.balance();
        }
        Outcome o = backend.read(feature.counter());
        if (!o.isGranted() || o.value() == Outcome.UNKNOWN) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(feature.mode() == Feature.Mode.CREDITS ? o.value() - feature.lowerBound() : o.value());
    }

    /** The journal of a journaled feature, once opened; else null. */
    dev.tollgate.agent.journal.Journal journal() {
        return allowance == null ? null : allowance.journal();
    }

    /** At shutdown: settles the journal, or sends the refunds still owed. Never throws. */
    void close() {
        if (allowance != null) {
            allowance.close();
        }
        if (refunds != null) {
            refunds.close();
        }
    }

    /** Why a charge was refused; becomes the exception the advice throws. */
    static final class Denial {
        final Reason reason;
        final long units;
        final long left;
        final String detail;

        Denial(Reason reason, long units, long left, String detail) {
            this.reason = reason;
            this.units = units;
            this.left = left;
            this.detail = detail;
        }
    }
}
