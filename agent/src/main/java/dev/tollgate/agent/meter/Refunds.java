package dev.tollgate.agent.meter;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.log.Log;

/**
 * Refunds of a {@code strict} feature that the backend could not take when the call threw: kept and sent again
 * by the {@link Syncer}, coalesced into one step, with backoff and jitter, and once more at exit.
 *
 * <p>A refund whose answer was lost counts as given: it is never sent twice (a refund sent twice would give the
 * customer credits that were paid for). Kept in memory only: a refund still owed when the process dies is lost,
 * and said so at exit; leased and batched features refund locally and never need this.
 */
final class Refunds implements Syncer.Task {

    private final String name;
    private final Backend backend;
    private final Counter counter;
    private final Syncer syncer;
    private final AtomicLong owed = new AtomicLong();
    /** Set by the first refund kept, which hands this to the syncer; a flag rather than a monitor, as calls set it. */
    private final AtomicBoolean watched = new AtomicBoolean();
    private long retryAt;
    private int failures;

    Refunds(String name, Backend backend, Counter counter, Syncer syncer) {
        this.name = name;
        this.backend = backend;
        this.counter = counter;
        this.syncer = syncer;
    }

    /** Keeps {@code units} to give back later. */
    void owe(long units) {
        owed.addAndGet(units);
        if (!watched.get() && watched.compareAndSet(false, true)) {
            syncer.watch(this);
        }
    }

    /** Units still owed. */
    long owed() {
        return owed.get();
    }

    @Override
    public synchronized void sync(long now) {
        if (owed.get() == 0 || now < retryAt) {
            return;
        }
        if (send() == Outcome.Status.UNAVAILABLE) {
            long base = Math.min(60_000, 500L << Math.min(7, failures++));
            retryAt = now + base / 2 + ThreadLocalRandom.current().nextLong(base);
        } else {
            failures = 0;
        }
    }

    /** At exit: one last try, then say what is lost. Never throws. */
    synchronized void close() {
        if (owed.get() > 0) {
            send();
        }
        long lost = owed.get();
        if (lost > 0) {
            Log.warn("feature '" + name + "': " + lost + " units of refunds for calls that threw could not be given "
                    + "back before exit; they are lost");
        }
    }

    private Outcome.Status send() {
        long units = owed.get();
        Outcome o;
        try {
            o = counter.refund(backend, units);
        } catch (RuntimeException e) {
            o = Outcome.unavailable("backend failed: " + e.getClass().getName());
        }
        if (o.isGranted() || o.ambiguous()) {
            owed.addAndGet(-units); // a lost answer counts as given: never twice
            if (!o.isGranted()) {
                Log.warn("feature '" + name + "': the answer to a refund of " + units + " was lost; it is counted as "
                        + "given and not sent again");
            }
        } else if (o.status() != Outcome.Status.UNAVAILABLE) {
            owed.addAndGet(-units);
            Log.warnOnce("refund-refused:" + name, "feature '" + name + "': a refund of " + units + " was refused ("
                    + o + "); it is dropped");
        }
        return o.status();
    }

    @Override
    public String toString() {
        return "refunds of '" + name + "'";
    }
}
