package dev.tollgate.agent.backend;

import java.io.Closeable;

/**
 * A licensing backend: where the counters that features are charged to live.
 *
 * <p>A counter moves in one direction per billing model: prepaid credits only go down
 * ({@link #take}), usage only goes up ({@link #add}). Both steps are atomic on the backend and refused
 * whole when they would cross the bound. Implementations never throw: every failure is an
 * {@link Outcome} whose status says what the caller's failure policy has to decide.
 *
 * <p>Implementations: the embedded {@code local} ledger ({@code dev.tollgate.agent.ledger}) and
 * {@code cryptolens} ({@code dev.tollgate.agent.backend.cryptolens}).
 */
public interface Backend extends Closeable {

    /** The cap that means "no cap" for {@link #add}. */
    long NO_CAP = Long.MAX_VALUE;

    /**
     * Takes {@code units} from the credits counter, unless that would leave it below
     * {@code lowerBound} (inclusive: reaching the bound exactly is allowed). A counter that does not
     * exist holds no credits; it is never created here.
     *
     * @return {@link Outcome.Status#GRANTED} with the value after the step (or {@link Outcome#UNKNOWN}
     *     when the backend does not say), {@link Outcome.Status#BOUND_REACHED} with the current value
     *     when known, or a failure
     */
    Outcome take(String counter, long units, long lowerBound);

    /**
     * Adds {@code units} to the usage counter, unless that would take it above {@code cap}
     * (inclusive; {@link #NO_CAP} for none). A usage counter that does not exist yet is created at 0.
     */
    Outcome add(String counter, long units, long cap);

    /**
     * Gives back a charge of {@code units} that this counter took, for a call that threw and whose feature
     * refunds: credits come back, usage goes down (never below 0). The default does it with the two
     * steps above, so on Cryptolens a credits refund needs the token's {@code IncrementIntValue}
     * permission and a usage refund its {@code DecrementIntValue}.
     */
    default Outcome refund(String counter, long units, boolean credits) {
        return credits ? add(counter, units, NO_CAP) : take(counter, units, 0);
    }

    /**
     * The counter's current value, for showing a balance; {@link Outcome.Status#GRANTED} when read. A counter
     * that does not exist yet reads as its starting value.
     */
    Outcome read(String counter);

    /**
     * A folder name that tells this backend's counters from another's (another product or license key), for
     * the default journal folder; never a secret.
     */
    default String journalScope() {
        return "default";
    }

    /**
     * The grants this backend records with its counters ({@link Grants}), or {@code null} when it keeps none: a
     * journaled feature then leases and batches with plain {@link #take}/{@link #add} steps and read-back.
     */
    default Grants grants() {
        return null;
    }

    /** One line for logs naming the backend and where it is; never a secret. */
    String describe();

    /** Releases connections and files; never throws. */
    @Override
    void close();
}
