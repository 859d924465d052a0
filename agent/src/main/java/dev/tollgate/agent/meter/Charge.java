package dev.tollgate.agent.meter;

import java.util.OptionalLong;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.config.Feature;
import dev.tollgate.agent.journal.Journal;

/**
 * How one feature's calls are charged, chosen once when the feature is first used:
 * {@link JournaledCharge} ({@code sync: leased} or {@code batched}: served from this process's journal),
 * {@link StrictCharge} ({@code sync: strict}: one backend step per call) or {@link MisconfiguredCharge} (the
 * config is broken or does not name the feature: every call is denied). Every site of the feature holds the
 * same one.
 *
 * <pre>{@code
 * Charge charge = new StrictCharge("export", Counter.credits("export", 0), backend, false, null);
 * Verdict v = charge.charge(charge.calls().get(Thread.currentThread()), 1);   // GO, GO_UNCHARGED or a denial
 * }</pre>
 */
interface Charge {

    /** Each thread's calls of the feature: how deep (for re-entrancy) and its journal slot. */
    CallsByThread calls();

    /** Charges {@code units} to the calling thread's calls {@code c}. Never throws. */
    Verdict charge(Metering.Calls c, int units);

    /** Gives back {@code units} charged by a call that threw; a refund that fails is reported, once. Never throws. */
    void refund(Metering.Calls c, int units);

    /** Credits left above the floor, or units used; empty when not known. */
    OptionalLong balance();

    /** The journal, once opened, when the feature is journaled; else null. */
    default Journal journal() {
        return null;
    }

    /** At shutdown: settles what is open (the journal, refunds still owed). Never throws. */
    void close();

    /** The counter a configured feature is charged to: credits above its floor, or usage under its cap. */
    static Counter counterOf(Feature f) {
        return f.mode() == Feature.Mode.CREDITS ? Counter.credits(f.counter(), f.lowerBound())
                : Counter.usage(f.counter(), f.bound() == null ? Backend.NO_CAP : f.bound());
    }
}
