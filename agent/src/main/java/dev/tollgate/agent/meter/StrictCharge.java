package dev.tollgate.agent.meter;

import java.util.OptionalLong;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.log.Log;

/**
 * The {@code strict} charge: one backend step per call, its {@link Outcome} turned into a {@link Verdict} by the
 * feature's failure policy. Also what a {@link JournaledCharge} falls back to after its journal was settled at
 * exit (calls from other shutdown hooks).
 *
 * <pre>{@code
 * Charge c = new StrictCharge("export", Counter.credits("export", 0), backend, false, null);
 * c.charge(calls, 1);   // backend.take("export", 1, 0): GO, or CREDITS_EXHAUSTED with what is left
 * }</pre>
 */
final class StrictCharge implements Charge {

    private final String name;
    private final Counter counter;
    private final Backend backend;
    /** {@code onBackendFailure: allow}: a call the backend could not charge runs uncharged (else it is denied). */
    private final boolean allowWhenDown;
    /** Refunds the backend could not take yet, kept and sent again; null when not kept. */
    private final Refunds refunds;
    private final CallsByThread calls = new CallsByThread(false);

    /**
     * @param refunds where a refund the backend could not take is kept to be sent again; null: it is lost (said once)
     */
    StrictCharge(String name, Counter counter, Backend backend, boolean allowWhenDown, Refunds refunds) {
        this.name = name;
        this.counter = counter;
        this.backend = backend;
        this.allowWhenDown = allowWhenDown;
        this.refunds = refunds;
    }

    @Override
    public CallsByThread calls() {
        return calls;
    }

    @Override
    public Verdict charge(Metering.Calls c, int units) {
        Outcome o;
        try {
            o = counter.charge(backend, units);
        } catch (Throwable failure) {
            o = Outcome.unavailable("backend failed: " + failure.getClass().getName());
        }
        switch (o.status()) {
            case GRANTED:
                return Verdict.GO;
            case BOUND_REACHED:
                return Verdict.boundReached(counter, counter.freeAfter(o));
            case MISCONFIGURED:
                return Verdict.misconfigured(name, o.detail());
            case UNAVAILABLE:
            default:
                return allowWhenDown ? Verdict.uncharged(name, backend.describe(), o.detail())
                        : Verdict.unavailable(name, backend.describe(), o.detail());
        }
    }

    @Override
    public void refund(Metering.Calls c, int units) {
        Outcome o;
        try {
            o = counter.refund(backend, units);
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

    @Override
    public OptionalLong balance() {
        Outcome o = backend.read(counter.name());
        if (!o.isGranted() || o.value() == Outcome.UNKNOWN) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(counter.balance(o.value(), 0));
    }

    /** Sends the refunds still owed. */
    @Override
    public void close() {
        if (refunds != null) {
            refunds.close();
        }
    }

    @Override
    public String toString() {
        return "strict charge of '" + name + "' to " + counter;
    }
}
