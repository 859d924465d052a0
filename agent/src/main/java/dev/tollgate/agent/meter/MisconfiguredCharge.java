package dev.tollgate.agent.meter;

import java.util.OptionalLong;

import dev.tollgate.UsageDeniedException.Reason;

/**
 * The charge of a feature that cannot be trusted (the config has problems, or does not name the feature):
 * every call is denied as misconfigured, with one line that says why.
 *
 * <pre>{@code
 * Charge c = new MisconfiguredCharge("feature 'export' is not configured in tollgate.yml");
 * c.charge(calls, 1);   // denied: MISCONFIGURED, with that line as its detail
 * }</pre>
 */
final class MisconfiguredCharge implements Charge {

    private final String why;
    private final CallsByThread calls = new CallsByThread(false);

    MisconfiguredCharge(String why) {
        this.why = why;
    }

    @Override
    public CallsByThread calls() {
        return calls;
    }

    @Override
    public Verdict charge(Metering.Calls c, int units) {
        return Verdict.denied(Reason.MISCONFIGURED, -1, why);
    }

    /** Nothing was charged. */
    @Override
    public void refund(Metering.Calls c, int units) {
    }

    @Override
    public OptionalLong balance() {
        return OptionalLong.empty();
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "misconfigured: " + why;
    }
}
