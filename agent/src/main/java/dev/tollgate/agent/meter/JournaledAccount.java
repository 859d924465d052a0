package dev.tollgate.agent.meter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.log.Log;

/** What both kinds of {@link Account} share: the counter, its model and bound, and this process's journal. */
abstract class JournaledAccount implements Account {

    /** The counter, its direction and bound. */
    final Counter counter;
    /** {@code counter.credits()}, for the many places that choose by it. */
    final boolean credits;
    volatile Journal journal;
    /**
     * Held by {@link #commit}, {@link #close} and {@link #balance}, and by whatever else a subclass must keep
     * apart from them: a commit moves the counter and then the journal's confirmed mark, and a balance read
     * between the two would count that use twice. A lock rather than a monitor: on JDK 21-23 a virtual thread
     * that waits for a monitor, or does I/O holding one, pins its carrier.
     */
    final ReentrantLock lock = new ReentrantLock();

    JournaledAccount(Counter counter) {
        this.counter = counter;
        this.credits = counter.credits();
    }

    @Override
    public final Outcome commit() {
        lock.lock();
        try {
            return commitLocked();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public final void close() {
        lock.lock();
        try {
            closeLocked();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public final OptionalLong balance() {
        lock.lock();
        try {
            return balanceLocked();
        } finally {
            lock.unlock();
        }
    }

    /** {@link #commit}, with {@link #lock} held. */
    abstract Outcome commitLocked();

    /** {@link #close}, with {@link #lock} held. */
    abstract void closeLocked();

    /** {@link #balance}, with {@link #lock} held. */
    abstract OptionalLong balanceLocked();

    @Override
    public final Journal journal() {
        return journal;
    }

    @Override
    public final boolean bounded() {
        return counter.bounded();
    }

    /**
     * The journals of this counter in {@code dir}, other than {@code except}, whose process has ended: locked
     * for the caller, who settles or adopts each and then deletes or closes it. A corrupt journal is reported
     * once and left alone.
     */
    final List<Journal> ended(Path dir, Journal except) throws IOException {
        List<Journal> ended = new ArrayList<>();
        for (Path p : Journal.of(dir, counter.name(), except)) {
            try {
                Journal j = Journal.adopt(p, credits);
                if (j != null) {
                    ended.add(j); // else a live process holds it
                }
            } catch (Journal.CorruptException e) {
                Log.errorOnce("corrupt:" + p, e.getMessage());
            } catch (IOException e) {
                // Deleted meanwhile by another process that settled it.
            }
        }
        return ended;
    }
}
