package dev.tollgate.agent.meter;

import java.io.IOException;
import java.util.OptionalLong;

import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.journal.Journal;

/**
 * The backend side of a journaled feature: where a {@link JournaledCharge} gets more units from, and where what it
 * served is confirmed. {@link LocalAccount} records grants in the ledger itself; {@link RemoteAccount} uses
 * plain backend steps and resolves lost answers by reading the counter back.
 */
interface Account {

    /**
     * Opens this process's journal, first settling or adopting the journals of processes that ended.
     *
     * @return the units this process may serve at once (credits adopted from an ended process); usually 0
     */
    long open() throws IOException;

    /** The journal {@link #open} made. */
    Journal journal();

    /**
     * Gets up to {@code want} more units and at least {@code least}.
     *
     * @param held units the caller may still serve from earlier refills, which count against a cap
     * @return GRANTED with the units granted as its value; else why not
     */
    Outcome refill(long least, long want, long held);

    /** Forces local state kept outside the journal (the local ledger's counter file) to disk. Never throws. */
    default void force() {
    }

    /** Confirms with the backend what was used so far; GRANTED when it is recorded. */
    Outcome commit();

    /** At shutdown: confirm, give back or keep what is left, release the journal. Never throws. */
    void close();

    /** Credits left above the floor, or units used, as this process sees them; empty when not known. */
    OptionalLong balance();

    /**
     * Units served that the backend has not confirmed and no lease covers: what {@code grace.units} limits.
     * Read from the journal, so it includes what earlier runs served offline.
     */
    long unconfirmed();

    /** When the backend last answered, as recorded by this or an earlier run ({@code currentTimeMillis}); 0: unknown. */
    long lastSync();

    /**
     * Whether asking the backend is a request over the network: then a refusal for the bound is remembered for a
     * while instead of being asked again at every call.
     */
    default boolean remote() {
        return false;
    }

    /** Whether the backend is expected to give more units (false: usage with no cap, which never asks). */
    boolean bounded();
}
