package dev.tollgate.agent.backend;

/**
 * What a backend offers when it can record, with the counter itself, what each journaling process holds:
 * exact leases and batches, settled atomically. The local ledger does; a backend without it (Cryptolens)
 * is journaled with plain {@link Backend#take}/{@link Backend#add} steps and read-back instead.
 *
 * <p>A <em>grant</em> belongs to one journal (by id) and records units reserved for it (credits taken, or room
 * under the cap) and how much of its use is already in the counter. Every method is one atomic step.
 *
 * <pre>{@code
 * Counter export = Counter.credits("export", 0);
 * Outcome r = grants.reserve(export, journal.id(), 100, 1);           // GRANTED, value = credits reserved
 * grants.confirm(export, journal.id(), journal.used(), false);        // the counter now shows the use
 * grants.confirm(export, journal.id(), journal.used(), true);         // settled: unused credits are back
 * }</pre>
 */
public interface Grants {

    /**
     * Reserves up to {@code want} units and at least {@code least} for {@code journal}: credits above the counter's
     * floor, or room under its cap ({@link Backend#NO_CAP}: none). Near the bound fewer
     * than {@code want} are given, so that several processes share what is left.
     *
     * @return GRANTED with the units reserved as its value, or BOUND_REACHED with the units that were free
     */
    Outcome reserve(Counter counter, long journal, long want, long least);

    /** Records a grant of nothing for {@code journal}, so that its use can be confirmed without a reservation. */
    Outcome open(Counter counter, long journal);

    /**
     * Moves the counter by what {@code journal} used since its last confirmation ({@code used}: its total), and
     * with {@code settle} removes its grant, which releases what it reserved and did not use.
     *
     * @return GRANTED with the counter's value after it, or BOUND_REACHED when the journal has no grant: it was
     *     settled already and nothing changed
     */
    Outcome confirm(Counter counter, long journal, long used, boolean settle);

    /** Forces the counter's file to disk ({@code fsync: interval}); never throws. */
    void force(String counter);

    /** Folder for the journals of this backend's counters. */
    java.nio.file.Path journalDir();
}
