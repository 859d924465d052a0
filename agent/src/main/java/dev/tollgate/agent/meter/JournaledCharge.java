package dev.tollgate.agent.meter;

import java.io.IOException;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

import dev.tollgate.UsageDeniedException.Reason;
import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.config.Feature;
import dev.tollgate.agent.config.JournalSettings;
import dev.tollgate.agent.config.Sync;
import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.log.Log;

/**
 * The charge of a journaled feature ({@code sync: leased} or {@code batched}): what it may serve without asking
 * its backend, and the record of what it served. No lock, no system call, no allocation on the hot path:
 * <ul>
 * <li>credits: each thread spends a share it took from what the process holds ({@link Metering.Calls#share}),
 * so a call is a subtraction in the thread's own object and one store into its journal slot, with no
 * compare-and-set; a thread whose share runs out takes the next one with a compare-and-set on
 * {@link #available}, at most a sixteenth of what is there;
 * <li>usage under a cap: one compare-and-set on the room left, then the store;
 * <li>usage with no cap: the store alone.
 * </ul>
 * When what the process holds does not cover a call, the call waits for its {@link Account} to get more (a
 * lease, or room under the cap), sized by {@link Demand}; the {@link Syncer} takes the next one ahead, before
 * that is needed, and confirms what was served in the background.
 *
 * <p>Shares are exact: they only split what the journal holds (granted less used), so a crash loses nothing
 * and a share is never spent twice. Only a thread calling in a tight loop takes a share beyond its call (see
 * {@link ThreadShares}), and none does once the backend gave less than was asked: so a thread that stopped
 * calling may hold at most about a millisecond of its own calls, taken while credits were plenty; they wait
 * for its next call or its end (then {@link #sync} takes them back), and go back to the backend at exit.
 */
final class JournaledCharge implements Charge, Syncer.Task {

    private final String name;
    private final Feature feature;
    private final Counter counter;
    private final Account account;
    /** How calls are charged after {@link #close()}: one backend step each. */
    private final StrictCharge afterClose;
    private final JournalSettings settings;
    private final Syncer syncer;
    /** Credits or room this process holds and no thread has taken a share of. */
    private final PaddedLong available = new PaddedLong();
    /** Whether threads spend shares of {@link #available} (credits) rather than each call taking from it. */
    private final boolean shares;
    private final Demand demand;
    /**
     * Whether the backend last gave less than was asked (near the bound) or nothing: then no thread takes a share
     * beyond its call, so that the last credits go to the threads that call, not to one that stopped.
     */
    private volatile boolean lean;
    /** When a remote backend refused for the bound: until then calls are denied with that answer, not asked again. */
    private volatile long refusedUntil;
    private volatile Outcome refusal;
    /**
     * Held while the journal opens, while units are got from the backend and at close. A lock rather than a
     * monitor: on JDK 21-23 a virtual thread that waits for a monitor, or does I/O holding one, pins its carrier,
     * so callers that wait here while another gets a lease over the network would stall every virtual thread.
     */
    private final ReentrantLock lock = new ReentrantLock();
    /** Each thread's calls of the feature; {@link #sync} forgets the threads that ended, every second. */
    final CallsByThread calls = new CallsByThread(true);
    private final boolean bounded;
    private volatile Journal journal;
    private volatile String broken;
    /** After {@link #close()}: calls (from other shutdown hooks) are charged strictly, one backend step each. */
    private volatile boolean closed;
    /** When the backend last answered, for {@code grace.time}: carried over from earlier runs by the account. */
    private volatile long lastAnswer = System.currentTimeMillis();
    private volatile long lastCommit = System.currentTimeMillis();
    private volatile long committedUsed;
    /** After a failed step, the syncer waits until then (exponential backoff with jitter). */
    private long retryAt;
    private int failures;
    private long lastForce;
    private long lastForget;
    /** How often {@link #sync} lets go of threads that ended, in the thread table and the journal's slots. */
    static final long FORGET_EVERY_MILLIS = 1_000;
    /** The most leases the sync thread takes ahead in one look. */
    static final int AHEAD_PER_LOOK = 8;

    JournaledCharge(String name, Feature feature, Account account, JournalSettings settings, Syncer syncer,
            StrictCharge afterClose) {
        this.syncer = syncer;
        this.name = name;
        this.feature = feature;
        this.counter = Charge.counterOf(feature);
        this.account = account;
        this.afterClose = afterClose;
        this.settings = settings;
        this.bounded = account.bounded();
        this.shares = bounded && counter.credits();
        this.demand = new Demand(feature.sync().leaseForMillis(), feature.sync().block());
    }

    @Override
    public CallsByThread calls() {
        return calls;
    }

    /**
     * Charges {@code units} to the calling thread: a CAS on what may be served and a store into its journal slot.
     * Never throws.
     */
    @Override
    public Verdict charge(Metering.Calls c, int units) {
        Journal.Slot slot = c.slot;
        if (slot == null || slot.journal() != journal) {
            slot = closed ? null : claim(c);
            if (slot == null) {
                return withoutJournal(c, units);
            }
        }
        if (shares) {
            long s = c.share - units;
            if (s < 0) {
                return chargeSlowly(c, slot, units);
            }
            c.share = s;
        } else if (bounded) {
            PaddedLong a = available;
            for (;;) {
                long left = a.get();
                if (left < units) {
                    return chargeSlowly(c, slot, units);
                }
                if (a.compareAndSet(left, left - units)) {
                    break;
                }
            }
        }
        slot.add(units);
        return Verdict.GO;
    }

    /**
     * Takes from {@link #available} what {@code c} lacks for a call of {@code units}, and a share for its next
     * calls ({@link ThreadShares}, at most 1/{@value ThreadShares#OF_HELD} of what is there); or, without
     * shares, the call's units.
     *
     * @return false when {@link #available} does not cover the call
     */
    private boolean take(Metering.Calls c, int units) {
        PaddedLong a = available;
        long lacking = shares ? units - c.share : units;
        long extra = shares ? ThreadShares.next(c, lean) : 0;
        for (;;) {
            long left = a.get();
            if (left < lacking) {
                return false;
            }
            long taken = lacking + Math.min(extra, (left - lacking) / ThreadShares.OF_HELD);
            if (a.compareAndSet(left, left - taken)) {
                if (shares) {
                    c.share += taken - units;
                }
                return true;
            }
        }
    }

    /** A call no journal serves: after {@link #close()} one backend step; a journal that cannot be used denies it. */
    private Verdict withoutJournal(Metering.Calls c, int units) {
        return closed ? afterClose.charge(c, units) : Verdict.denied(Reason.MISCONFIGURED, -1, broken);
    }

    /**
     * Gives back a charge of a call that threw, to the journal and to what may be served; after {@link #close()},
     * strictly, to the backend.
     */
    @Override
    public void refund(Metering.Calls c, int units) {
        Journal.Slot slot = c.slot;
        if (closed) {
            afterClose.refund(c, units);
        } else if (slot != null) {
            slot.add(-units);
            if (shares) {
                c.share += units; // the owner's refund: its calls are its own
            } else if (bounded) {
                available.addAndGet(units);
            }
        }
    }

    private Journal.Slot claim(Metering.Calls c) {
        Journal j = journal();
        if (j == null) {
            return null;
        }
        Journal.Slot s = j.claim();
        c.slot = s;
        c.share = 0;
        return s;
    }

    /** The journal, opened at the first call. */
    @Override
    public Journal journal() {
        Journal j = journal;
        if (j != null || broken != null || closed) {
            return j;
        }
        lock.lock();
        try {
            if (journal == null && broken == null && !closed) {
                try {
                    long carried = account.open();
                    Journal opened = account.journal();
                    opened.forceEachCall(settings.fsync() == JournalSettings.Fsync.ALWAYS);
                    available.addAndGet(carried);
                    long synced = account.lastSync();
                    if (synced > 0) {
                        lastAnswer = synced; // the clock of grace.time does not restart with the product
                    }
                    journal = opened;
                    syncer.watch(this);
                } catch (IOException | RuntimeException e) {
                    broken = "the journal of feature '" + name + "' cannot be used: " + e.getMessage();
                    Log.error(broken + "; its calls are denied until this is fixed");
                }
            }
            return journal;
        } finally {
            lock.unlock();
        }
    }

    private Verdict chargeSlowly(Metering.Calls c, Journal.Slot slot, int units) {
        if (shares && take(c, units)) {
            slot.add(units); // a new share, without the lock
            return Verdict.GO;
        }
        lock.lock();
        try {
            return chargeLocked(c, slot, units);
        } finally {
            lock.unlock();
        }
    }

    private Verdict chargeLocked(Metering.Calls c, Journal.Slot slot, int units) {
        for (;;) {
            if (take(c, units)) {
                slot.add(units);
                return Verdict.GO;
            }
            long held = Math.max(0, available.get()) + (shares ? Math.max(0, c.share) : 0);
            Outcome o = System.currentTimeMillis() < refusedUntil ? refusal : refill(units - held, true);
            if (o.isGranted()) {
                continue;
            }
            return o.status() == Outcome.Status.UNAVAILABLE ? offline(slot, units, o) : refused(held, o);
        }
    }

    /** The backend refused more units: none left under the bound, or a mistake in the config. */
    private Verdict refused(long left, Outcome o) {
        if (o.status() == Outcome.Status.BOUND_REACHED) {
            long free = Math.max(0, left) + Math.max(0, o.value() == Outcome.UNKNOWN ? 0 : o.value());
            return Verdict.boundReached(counter, free);
        }
        return Verdict.misconfigured(name, o.detail());
    }

    /**
     * Gets at least {@code least} more units into {@link #available}, as many as {@link Demand} says; the caller
     * holds the lock.
     *
     * @param waiting whether a calling thread waits for it (else the sync thread takes it ahead)
     */
    private Outcome refill(long least, boolean waiting) {
        if (waiting) {
            demand.waiting();
        }
        long want = demand.want(least);
        long asked = System.nanoTime();
        Outcome o;
        try {
            o = account.refill(least, want, Math.max(0, available.get()));
        } catch (RuntimeException e) {
            o = Outcome.unavailable("internal error: " + e);
        }
        demand.tookMillis((System.nanoTime() - asked) / 1e6);
        if (o.isGranted()) {
            available.addAndGet(o.value());
            lean = o.value() < want;
            refusedUntil = 0;
            answered();
        } else if (o.status() != Outcome.Status.UNAVAILABLE) {
            lean = true;
            if (o.status() == Outcome.Status.BOUND_REACHED && account.remote()) {
                refusal = o;
                refusedUntil = System.currentTimeMillis() + feature.sync().leaseForMillis();
            }
            answered();
        }
        return o;
    }

    private void answered() {
        lastAnswer = System.currentTimeMillis();
    }

    /** The backend is unreachable: deny, run uncharged, or serve within the grace limits. */
    private Verdict offline(Journal.Slot slot, int units, Outcome o) {
        switch (feature.onBackendFailure()) {
            case ALLOW:
                return Verdict.uncharged(name, "the backend", o.detail());
            case GRACE:
                Sync sync = feature.sync();
                long since = System.currentTimeMillis() - lastAnswer;
                // Counted from the journal, not from this run: restarting the product does not renew the grace.
                boolean inUnits = sync.graceUnits() == 0 || account.unconfirmed() + units <= sync.graceUnits();
                boolean inTime = sync.graceMillis() == 0 || since <= sync.graceMillis();
                if (inUnits && inTime) {
                    Log.warnOnce("grace:" + name, "feature '" + name + "': the backend is unavailable (" + o.detail()
                            + "); serving calls offline within grace, recorded in the journal and sent when it is back");
                    slot.add(units);
                    return Verdict.GO;
                }
                String why = !inUnits ? "the offline grace of " + sync.graceUnits() + " units is used up"
                        : "offline for " + since / 1000 + " s, longer than the grace of " + sync.graceMillis() / 1000 + " s";
                return Verdict.denied(Reason.OFFLINE, -1, why + " (" + o.detail() + ")");
            case DENY:
            default:
                return Verdict.unavailable(name, "the backend", o.detail());
        }
    }

    /** For the syncer: confirm what was served when it is time, and get more before calls need to wait. */
    @Override
    public void sync(long now) {
        Journal j = journal;
        if (j == null) {
            return;
        }
        if (now - lastForget >= FORGET_EVERY_MILLIS) {
            lastForget = now;
            long unspent = calls.forgetEnded();
            if (unspent != 0 && shares) {
                available.addAndGet(unspent);
            }
            j.releaseEnded();
        }
        long used = j.used();
        demand.sample(now, used);
        if (settings.fsync() == JournalSettings.Fsync.INTERVAL && now - lastForce >= settings.fsyncEveryMillis()) {
            lastForce = now;
            j.force();
            account.force();
        }
        if (now < retryAt) {
            return;
        }
        long unsent = used - committedUsed;
        Sync sync = feature.sync();
        boolean ok = true;
        long sinceCommit = now - lastCommit;
        // Early sends for flushUnits at most once per leaseFor: at full speed it is reached at every look.
        if (unsent != 0 && (sinceCommit >= sync.flushEveryMillis()
                || (Math.abs(unsent) >= sync.flushUnits() && sinceCommit >= sync.leaseForMillis()))) {
            ok = commit(used);
        }
        // Ahead of the calls: more leases in one look only when a block set below the demand makes them small.
        for (int i = 0; ok && bounded && i < AHEAD_PER_LOOK && now >= refusedUntil
                && available.get() < demand.low(); i++) {
            lock.lock();
            try {
                if (available.get() >= demand.low()) {
                    break;
                }
                Outcome o = refill(1, false);
                ok = o.status() != Outcome.Status.UNAVAILABLE;
                if (!o.isGranted() || o.value() < feature.sync().block()) {
                    break; // near the bound, one share per look, so that other processes get theirs
                }
            } finally {
                lock.unlock();
            }
        }
        if (ok) {
            failures = 0;
        } else {
            // 0.5 s, 1 s, 2 s ... up to a minute, each spread by +-50% so that many processes do not retry together.
            long base = Math.min(60_000, 500L << Math.min(7, failures++));
            retryAt = now + base / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(base);
        }
    }

    /** Sends what was served; true unless the backend was unreachable. */
    boolean commit(long used) {
        Outcome o;
        try {
            o = account.commit();
        } catch (RuntimeException e) {
            o = Outcome.unavailable("internal error: " + e);
        }
        lastCommit = System.currentTimeMillis();
        if (o.isGranted()) {
            committedUsed = used;
            answered();
            return true;
        }
        Log.warnOnce("commit:" + name, "feature '" + name + "': served units could not be confirmed yet (" + o
                + "); they stay in the journal and are sent again");
        return o.status() != Outcome.Status.UNAVAILABLE;
    }

    /** At shutdown: confirm and settle. Never throws. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            Journal j = journal;
            journal = null; // later calls find their slot stale and are charged strictly
            available.set(0);
            if (j != null) {
                try {
                    account.close();
                } catch (RuntimeException e) {
                    Log.warn("feature '" + name + "': closing its journal failed: " + e
                            + "; the next start settles it");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Credits left or units used. Opens the journal first, as a call would: that settles (local ledger) or adopts
     * (Cryptolens) the journals of processes that ended, whose units the backend's counter alone does not show.
     */
    @Override
    public OptionalLong balance() {
        journal();
        return account.balance();
    }

    /**
     * From {@link EndedJournals} at start: runs {@code settling} unless the journal is open (its opening settled
     * what ended processes had left then), holding the lock that opening takes, so that no call opens it meanwhile.
     * Opening a second channel on a journal this process holds would drop the process's lock on it: file locks
     * belong to the process, and closing any channel of the file releases them.
     */
    void unlessOpened(EndedJournals.Settling settling) throws IOException {
        lock.lock();
        try {
            if (journal == null && broken == null && !closed) {
                settling.run();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "journaled charge of '" + name + "' (" + feature.sync() + ")";
    }
}
