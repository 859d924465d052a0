package dev.tollgate.agent.meter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.config.Feature;
import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.journal.JournalState;
import dev.tollgate.agent.log.Log;

/**
 * Run once by the sync thread shortly after start: settles what processes that ended (kill -9, a crash, a power
 * cut) left in the journals of every journaled feature, not only of the features this run calls. A customer who
 * stopped using a feature is still billed for what the ended process used: on the local ledger its use is
 * confirmed and its unused credits come back; on Cryptolens its unsent usage is sent, and credits it used beyond
 * its lease are taken.
 *
 * <p>For each journaled feature whose counter has a journal of a process that ended (its lock is free) with
 * something to settle, and whose own journal this run has not opened yet, an {@link Account} of the feature is
 * opened and closed at once, as a run that made no call would: opening settles (local ledger) or adopts and
 * absorbs (Cryptolens) the ended journals, closing confirms and sends what they held. Credits leased on
 * Cryptolens and not spent stay in a journal for the feature's first call, as at any exit. Not the feature's
 * charge: its open journal would take a lease for a feature this run may never call. All of it holds the lock
 * of the feature's charge that its first call takes to open the journal ({@link JournaledCharge#unlessOpened}):
 * a call at that moment waits, then opens its own journal, and no journal this process holds is ever touched
 * (closing a second channel of it would drop the process's lock). Other processes take each ended journal's
 * lock, so none is settled twice. A counter that two journaled features share is left to their first calls. A
 * feature that fails is reported in one line and the others go on.
 *
 * <pre>{@code
 * syncer.once(EndedJournals.SETTLE_AFTER_MILLIS, new EndedJournals(metering, journaledFeatures));
 * }</pre>
 */
final class EndedJournals implements Runnable {

    /**
     * How long after start: after the product's own startup work, off its startup thread, and usually after its
     * first calls, which open (and settle) their features' journals themselves.
     */
    static final long SETTLE_AFTER_MILLIS = 1_000;

    private final Metering metering;
    private final List<Feature> features;

    EndedJournals(Metering metering, List<Feature> journaled) {
        this.metering = metering;
        this.features = journaled;
    }

    /** One feature's settling, run under its charge's lock. */
    interface Settling {
        void run() throws IOException;
    }

    @Override
    public void run() {
        Path dir = metering.journalFolder();
        boolean ledger = metering.backendKeepsGrants();
        for (Feature f : features) {
            Counter counter = Charge.counterOf(f);
            try {
                if (shared(f) || Journal.of(dir, counter.name(), null).isEmpty()) {
                    continue; // the common case: nothing was left, and no charge is made for it
                }
                Charge charge = metering.chargeUnlessClosed(f.name());
                if (charge == null) {
                    return; // the product is exiting; the next start settles them
                }
                if (charge instanceof JournaledCharge) {
                    ((JournaledCharge) charge).unlessOpened(() -> {
                        if (anyIn(dir, counter, ledger)) {
                            Account apart = metering.account(f);
                            apart.open();
                            apart.close();
                        }
                    });
                }
            } catch (IOException | RuntimeException e) {
                Log.warn("feature '" + f.name() + "': the journals that ended processes left in " + dir
                        + " could not be settled at start (" + e + "); its first call or the next start settles them");
            }
        }
    }

    /** Whether another journaled feature uses the same counter: its journal may be open, and is not ours to touch. */
    private boolean shared(Feature f) {
        for (Feature other : features) {
            if (other != f && Charge.counterOf(other).name().equals(Charge.counterOf(f).name())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a journal of {@code counter} in {@code dir} belongs to a process that ended and has something to
     * settle: on the local ledger any (its grant goes back), elsewhere one with usage not confirmed, credits used
     * beyond its lease, or a step to finish; or a journal that cannot be read (opening reports it). Takes each
     * journal's lock for a moment, without changing it; the caller makes sure this process holds none of them.
     */
    static boolean anyIn(Path dir, Counter counter, boolean ledger) throws IOException {
        for (Path p : Journal.of(dir, counter.name(), null)) {
            Journal ended;
            try {
                ended = Journal.adopt(p, counter.credits());
            } catch (Journal.CorruptException e) {
                return true;
            } catch (IOException e) {
                continue; // deleted meanwhile by another process that settled it
            }
            if (ended == null) {
                continue; // a live process holds it
            }
            try {
                JournalState s = ended.state();
                long used = ended.used();
                if (ledger || s.pending != null || s.absorbing != 0
                        || (counter.credits() ? used > s.granted : used != s.confirmed)) {
                    return true;
                }
            } finally {
                ended.close(); // as it was: the account adopts it
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "the settling of journals that ended processes left";
    }
}
