package dev.tollgate.agent.backend.cryptolens;

import dev.tollgate.agent.backend.Outcome;

/**
 * Internal control flow: a call could not go on and {@link #outcome()} is the answer. Never leaves the
 * package: {@link CryptolensBackend} turns it into its return value. No stack trace (it is not a bug).
 */
final class Unusable extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Outcome outcome;

    Unusable(Outcome outcome) {
        super(outcome.toString(), null, false, false);
        this.outcome = outcome;
    }

    Outcome outcome() {
        return outcome;
    }
}
