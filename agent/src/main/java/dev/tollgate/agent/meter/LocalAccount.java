package dev.tollgate.agent.meter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.backend.Grants;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.log.Log;

/**
 * A journaled feature on a backend that records grants with the counter (the local ledger): exact across
 * threads, processes and kill -9, because taking a block and settling it are each one atomic write of the
 * counter, and what the block paid for is in the journal before a call runs.
 *
 * <p>Journals of processes that ended (their lock is free) are settled when this one opens and whenever a
 * reservation finds the counter exhausted: their unused credits come back and their unconfirmed usage is
 * added, in one step; a journal whose grant is gone was settled already and is deleted.
 */
final class LocalAccount extends JournaledAccount {

    private final Grants grants;
    private final Backend backend;

    LocalAccount(Grants grants, Backend backend, Counter counter) {
        super(counter);
        this.grants = grants;
        this.backend = backend;
    }

    @Override
    public long open() throws IOException {
        Path dir = grants.journalDir();
        settleEnded(dir, null);
        Journal j = Journal.create(dir, counter.name(), credits);
        if (!bounded()) {
            Outcome o = grants.open(counter, j.id());
            if (!o.isGranted()) {
                j.delete();
                throw new IOException(o.detail());
            }
        }
        journal = j;
        return 0;
    }

    /** The ledger is on this machine: nothing is ever served offline. */
    @Override
    public long unconfirmed() {
        return 0;
    }

    @Override
    public long lastSync() {
        return 0;
    }

    @Override
    public Outcome refill(long least, long want, long held) {
        Journal j = journal;
        Outcome o = grants.reserve(counter, j.id(), want, least);
        if (o.status() == Outcome.Status.BOUND_REACHED && settleEnded(grants.journalDir(), j) > 0) {
            o = grants.reserve(counter, j.id(), want, least);
        }
        return o;
    }

    @Override
    public void force() {
        grants.force(counter.name());
    }

    @Override
    Outcome commitLocked() {
        Journal j = journal;
        long used = j.used();
        Outcome o = grants.confirm(counter, j.id(), used, false);
        if (o.isGranted()) {
            j.state(j.state().confirmed(used).synced(System.currentTimeMillis()));
        }
        return o;
    }

    @Override
    void closeLocked() {
        Journal j = journal;
        if (j == null) {
            return;
        }
        long used = j.used();
        Outcome o = grants.confirm(counter, j.id(), used, true);
        // BOUND_REACHED: the counter has no grant for this journal. With nothing used, it never reserved (a process
        // that only read the balance, or found no credits): nothing to settle.
        if (o.isGranted() || (o.status() == Outcome.Status.BOUND_REACHED && used == 0)) {
            try {
                j.delete();
                return;
            } catch (IOException e) {
                Log.warn(j + " was settled but could not be deleted (" + e + "); the next start deletes it");
            }
        } else {
            Log.warn("counter '" + counter.name() + "': " + j + " could not be settled at exit (" + o
                    + "); the next start settles it");
        }
        j.close();
    }

    /**
     * The counter's value with this process's use not yet confirmed, after settling the journals of processes
     * that ended; other live processes' use shows once they confirm it (every {@code flushEvery}).
     */
    @Override
    OptionalLong balanceLocked() {
        settleEnded(grants.journalDir(), journal);
        Outcome o = backend.read(counter.name());
        if (!o.isGranted() || o.value() == Outcome.UNKNOWN) {
            return OptionalLong.empty();
        }
        Journal j = journal;
        long unconfirmed = 0;
        if (j != null) {
            unconfirmed = j.used() - j.state().confirmed;
        }
        return OptionalLong.of(counter.balance(o.value(), unconfirmed));
    }

    /**
     * Settles every journal of this counter whose process has ended.
     *
     * @return how many were settled
     */
    private int settleEnded(Path dir, Journal mine) {
        int settled = 0;
        try {
            for (Journal ended : ended(dir, mine)) {
                long used = ended.used();
                Outcome o = grants.confirm(counter, ended.id(), used, true);
                if (o.isGranted()) {
                    Log.info("counter '" + counter.name() + "': settled " + ended + " of a process that ended (" + used
                            + " units used)");
                    settled++;
                }
                if (o.isGranted() || o.status() == Outcome.Status.BOUND_REACHED) {
                    ended.delete(); // BOUND_REACHED: no grant, settled before a crash
                } else {
                    ended.close();
                }
            }
        } catch (IOException e) {
            Log.warnOnce("journals:" + dir, "cannot list journals in " + dir + ": " + e);
        }
        return settled;
    }
}
