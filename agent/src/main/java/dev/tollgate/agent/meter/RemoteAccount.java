package dev.tollgate.agent.meter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.journal.JournalState;
import dev.tollgate.agent.log.Log;

/**
 * A journaled feature on a backend with plain counter steps and no transactions (Cryptolens): leases are
 * bounded decrements of a block, batches are coalesced increments, and the journal's {@link JournalState} says what
 * the backend confirmed.
 *
 * <p>No step is ever sent twice blindly. Before a step the journal records it as pending, with the counter's
 * value just read; when the answer is lost (a timeout after sending), the counter is read back before anything
 * else is sent: a decrement of {@code n} was applied when the value is now at most {@code before - n}, an
 * increment when it is at least {@code before + n}. This is exact while no other process moves the same counter
 * between the two reads; when one does, the step is taken as applied, so that usage is never counted twice and
 * a credit is never spent that was not granted (the cost: units a lost answer hid may go unbilled, or credits
 * unused).
 *
 * <p>Credits leased and not spent stay in the journal at exit (giving them back would need the Increment
 * permission) and are spent first by the next run, which adopts the journal of a process that ended. Usage
 * not yet sent is sent by the next run the same way. Calls served offline within the grace are journaled like
 * any other: credits used beyond what was leased are taken from the backend when it is back.
 */
final class RemoteAccount extends JournaledAccount {

    private final Backend backend;
    private final Path dir;
    private final String name;
    /** From the adopted journal or the marker an earlier run left; 0 when unknown. */
    private long lastSync;
    /**
     * Credits granted in the journal but not handed to the journaled charge yet: a lease whose lost answer was found applied
     * by a read-back that no lease of this process waited for (in {@link #commit}, or at the first refill after an
     * ended process's journal was adopted with the lease pending). The next {@link #refill} hands them out before it
     * leases more; without it they would wait for the next run while calls were denied for want of credits.
     * Guarded by {@link #lock}, which {@link #open} and {@link #refill} hold too: every step goes to the backend.
     */
    private long unclaimed;

    RemoteAccount(Backend backend, Path dir, String feature, Counter counter) {
        super(counter);
        this.backend = backend;
        this.dir = dir;
        this.name = feature;
    }

    @Override
    public long open() throws IOException {
        lock.lock();
        try {
            return openLocked();
        } finally {
            lock.unlock();
        }
    }

    private long openLocked() throws IOException {
        List<Journal> ended = ended(dir, null);
        Journal mine = adoptFirst(ended);
        if (mine != null) {
            finishAbsorbing(mine);
        }
        for (Journal other : ended) {
            if (other != mine) {
                absorb(mine, other);
            }
        }
        if (mine == null) {
            mine = Journal.create(dir, counter.name(), credits);
            lastSync = readMarker();
        } else {
            lastSync = Math.max(mine.state().lastSync, readMarker());
            JournalState s = mine.state();
            long used = mine.used();
            Log.info("feature '" + name + "': carried on with " + mine + " of a process that ended: "
                    + (credits ? (s.granted - used) + " leased credits left" : (used - s.confirmed) + " units to send")
                    + (s.pending == null ? "" : ", one step to check with the backend"));
        }
        journal = mine;
        long left = credits ? mine.state().granted - mine.used() : 0;
        return Math.max(0, left);
    }

    /**
     * Which ended journal to carry on in: one that was absorbing another when its process ended (it must finish
     * that), else one with a step to check (the carrying process checks it before anything else), else the first.
     */
    private static Journal adoptFirst(List<Journal> ended) {
        Journal pending = null;
        for (Journal j : ended) {
            JournalState s = j.state();
            if (s.absorbing != 0) {
                return j;
            }
            if (s.pending != null && pending == null) {
                pending = j;
            }
        }
        return pending != null ? pending : ended.isEmpty() ? null : ended.get(0);
    }

    /**
     * Adds the units of an ended journal to {@code mine} and deletes it. The state that adds them also names the
     * journal being absorbed, so that a crash before the file is gone does not add them twice. A step of its own
     * still to check is read back first; if the backend cannot tell now, or the journal was itself absorbing
     * another, it is left for the next start.
     */
    private void absorb(Journal mine, Journal ended) throws IOException {
        JournalState theirs = ended.state();
        if (theirs.absorbing != 0 || (theirs.pending != null && readBack(ended) != null)) {
            ended.close();
            return;
        }
        theirs = ended.state();
        JournalState s = mine.state();
        mine.state(s.granted(s.granted + theirs.granted).confirmed(s.confirmed + theirs.confirmed)
                .adjust(s.adjust + ended.used()).absorbing(ended.id()));
        ended.delete();
        mine.state(mine.state().absorbing(0));
    }

    /** A crash while absorbing: the units are in; the absorbed file must go, if it is still there. */
    private void finishAbsorbing(Journal mine) throws IOException {
        long id = mine.state().absorbing;
        if (id == 0) {
            return;
        }
        for (Path p : Journal.of(dir, counter.name(), mine)) {
            if (p.getFileName().toString().equals(counter.name() + "." + Long.toHexString(id) + ".journal")) {
                Journal gone = Journal.adopt(p, credits);
                if (gone != null) {
                    gone.delete();
                }
            }
        }
        mine.state(mine.state().absorbing(0));
    }

    @Override
    public Outcome refill(long least, long want, long held) {
        lock.lock();
        try {
            return refillLocked(least, want, held);
        } finally {
            lock.unlock();
        }
    }

    private Outcome refillLocked(long least, long want, long held) {
        Outcome resolved = resolvePending();
        if (resolved != null) {
            return resolved;
        }
        Journal j = journal;
        if (credits && unclaimed > 0) {
            long units = unclaimed;
            unclaimed = 0;
            // Units served offline beyond the other leases are paid from these first.
            long owed = Math.max(0, j.used() - (j.state().granted - units));
            if (units > owed) {
                return Outcome.granted(units - owed);
            }
        }
        Outcome read = backend.read(counter.name());
        if (!read.isGranted() || read.value() == Outcome.UNKNOWN) {
            return read.isGranted() ? Outcome.unavailable("the backend did not say the counter's value") : read;
        }
        long value = read.value();
        j.state(j.state().synced(System.currentTimeMillis()));
        long used = j.used();
        JournalState s = j.state();
        if (!credits) {
            long room = counter.free(value) - Math.max(0, used - s.confirmed) - held;
            long take = Counter.share(room, want, least);
            return take > 0 ? Outcome.granted(take) : Outcome.boundReached(Math.max(0, room));
        }
        long owed = Math.max(0, used - s.granted); // served offline beyond the lease
        for (int attempt = 1; ; attempt++) {
            long free = counter.free(value);
            long block = Counter.share(free, want + owed, least + owed);
            if (block <= 0) {
                return Outcome.boundReached(Math.max(0, free - owed));
            }
            Outcome o = lease(block, value);
            if (o.isGranted()) {
                return Outcome.granted(block - owed);
            }
            // Refused because another process took credits between the read and the lease: the refusal read the
            // counter again; while what is left still covers the call, lease again from that value.
            boolean raced = o.status() == Outcome.Status.BOUND_REACHED && o.value() != Outcome.UNKNOWN
                    && counter.free(o.value()) >= least + owed;
            if (!raced || attempt == LEASE_ATTEMPTS) {
                return o;
            }
            value = o.value();
        }
    }

    /** How many times a lease refused by another process's lease meanwhile is sized again and asked again. */
    static final int LEASE_ATTEMPTS = 4;

    /** Takes {@code block} credits, recording the step first; {@code before} is the value just read. */
    private Outcome lease(long block, long before) {
        Journal j = journal;
        j.state(j.state().pending(JournalState.Op.TAKE, block, before));
        Outcome o = counter.charge(backend, block);
        return settle(o);
    }

    /** Applies the answer to the pending step: confirmed, refused, or lost (then read back). */
    private Outcome settle(Outcome o) {
        Journal j = journal;
        JournalState s = j.state();
        if (o.isGranted()) {
            j.state(applied(s).synced(System.currentTimeMillis()));
            return o;
        }
        if (o.status() == Outcome.Status.UNAVAILABLE && o.ambiguous()) {
            Outcome resolved = resolvePending();
            if (resolved != null) {
                return resolved; // still pending: nothing is sent until it is read back
            }
            JournalState after = j.state();
            boolean wasApplied = after.granted != s.granted || after.confirmed != s.confirmed;
            if (wasApplied && s.pending == JournalState.Op.TAKE) {
                unclaimed -= s.pendingUnits; // this lease's caller hands them out (or they pay what was owed)
            }
            return wasApplied ? Outcome.granted(Outcome.UNKNOWN) : Outcome.unavailable(o.detail());
        }
        j.state(s.pending(null, 0, 0)); // certainly not applied
        return o;
    }

    private static JournalState applied(JournalState s) {
        JournalState next = s.pending == JournalState.Op.TAKE ? s.granted(s.granted + s.pendingUnits)
                : s.confirmed(s.confirmed + s.pendingUnits);
        return next.pending(null, 0, 0);
    }

    /**
     * Settles a step whose answer was lost, by reading the counter back.
     *
     * @return null when nothing is pending any more; else why the backend cannot be used now
     */
    private Outcome resolvePending() {
        Journal j = journal;
        JournalState s = j.state();
        if (s.pending == null) {
            return null;
        }
        Outcome unresolved = readBack(j);
        if (unresolved == null && s.pending == JournalState.Op.TAKE && j.state().granted != s.granted) {
            unclaimed += s.pendingUnits; // applied: the next refill hands them out
        }
        return unresolved;
    }

    /**
     * Settles the pending step of {@code j} by reading the counter. A send was applied when the value grew by at
     * least its units since the value read before it (never sent twice). A lease was applied when the value is
     * exactly what it would leave; when it is lower, another process took credits meanwhile and the two cannot be
     * told apart, so the lease is written off: none of its credits is served that the backend may not have given
     * (if it was applied, the key loses them).
     *
     * @return null when settled; else why the backend cannot tell now (the step stays pending)
     */
    private Outcome readBack(Journal j) {
        JournalState s = j.state();
        Outcome read = backend.read(counter.name());
        if (!read.isGranted() || read.value() == Outcome.UNKNOWN) {
            return read.isGranted() ? Outcome.unavailable("cannot read the counter back") : read;
        }
        long now = read.value();
        boolean unknown = s.pendingBefore == Outcome.UNKNOWN;
        boolean wasApplied;
        boolean writtenOff = false;
        if (s.pending == JournalState.Op.TAKE) {
            long ifApplied = s.pendingBefore - s.pendingUnits;
            wasApplied = !unknown && now == ifApplied;
            writtenOff = unknown || now < ifApplied;
        } else {
            wasApplied = unknown || now >= s.pendingBefore + s.pendingUnits;
        }
        j.state((wasApplied ? applied(s) : s.pending(null, 0, 0)).synced(System.currentTimeMillis()));
        String step = "feature '" + name + "': a " + (s.pending == JournalState.Op.TAKE ? "lease" : "send") + " of "
                + s.pendingUnits + " whose answer was lost ";
        String seen = " (read back " + now + ", before " + (unknown ? "unknown" : String.valueOf(s.pendingBefore)) + ")";
        if (writtenOff) {
            Log.warn(step + "cannot be told apart from other processes' leases, so none of its credits is served "
                    + "(if it was applied, they are lost)" + seen);
        } else {
            Log.info(step + (wasApplied ? "was" : "was not") + " applied" + seen);
        }
        return null;
    }

    @Override
    Outcome commitLocked() {
        Outcome resolved = resolvePending();
        if (resolved != null) {
            return resolved;
        }
        Journal j = journal;
        JournalState s = j.state();
        long used = j.used();
        if (credits) {
            long owed = used - s.granted;
            if (owed <= 0) {
                return Outcome.granted(0);
            }
            // Served offline beyond the lease: take those credits now.
            Outcome read = backend.read(counter.name());
            if (!read.isGranted() || read.value() == Outcome.UNKNOWN) {
                return read.isGranted() ? Outcome.unavailable("the backend did not say the counter's value") : read;
            }
            Outcome o = lease(owed, read.value());
            if (o.status() == Outcome.Status.BOUND_REACHED) {
                Log.error("feature '" + name + "': " + owed + " credits served offline could not be taken: the "
                        + "backend has no credits left for them; they are written off");
                j.state(j.state().granted(used));
                return Outcome.granted(0);
            }
            return o;
        }
        long unsent = used - s.confirmed;
        if (unsent <= 0) {
            return Outcome.granted(0); // refunds after a send are kept until more usage covers them
        }
        Outcome read = backend.read(counter.name());
        if (!read.isGranted()) {
            return read;
        }
        // A value the backend did not say (UNKNOWN) makes a lost answer count as applied: never sent twice.
        j.state(s.pending(JournalState.Op.ADD, unsent, read.value()));
        // Sent without the cap: the cap was enforced before the calls ran, and the backend must record what was served.
        return settle(backend.add(counter.name(), unsent, Backend.NO_CAP));
    }

    @Override
    void closeLocked() {
        Journal j = journal;
        if (j == null) {
            return;
        }
        Outcome o = commit();
        JournalState s = j.state();
        long used = j.used();
        long left = credits ? s.granted - used : used - s.confirmed;
        if (s.pending == null && left == 0) {
            try {
                writeMarker(s.lastSync);
                j.delete();
                return;
            } catch (IOException e) {
                Log.warn(j + " could not be deleted (" + e + "); the next start deletes it");
            }
        } else if (credits && left > 0 && s.pending == null) {
            Log.info("feature '" + name + "': " + left + " leased credits are kept in " + j
                    + " for the next start");
        } else {
            long unconfirmed = unconfirmed();
            Log.warn("feature '" + name + "': " + (unconfirmed > 0 ? unconfirmed + " units" : "a step")
                    + " could not be confirmed at exit (" + o + "); kept in " + j + " for the next start");
        }
        j.close();
    }

    @Override
    public long unconfirmed() {
        Journal j = journal;
        if (j == null) {
            return 0;
        }
        JournalState s = j.state();
        return Math.max(0, j.used() - (credits ? s.granted : s.confirmed));
    }

    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public long lastSync() {
        return lastSync;
    }

    /**
     * {@code <counter>.synced}: when the backend last answered, kept when a journal with nothing left in it is
     * deleted, so that the next run's {@code grace.time} counts from then, not from its own start.
     */
    private Path marker() {
        return dir.resolve(counter.name() + ".synced");
    }

    private long readMarker() {
        try {
            byte[] b = java.nio.file.Files.readAllBytes(marker());
            return b.length == 8 ? java.nio.ByteBuffer.wrap(b).getLong() : 0;
        } catch (IOException | RuntimeException e) {
            return 0; // none yet, or unreadable: grace.time counts from this start
        }
    }

    private void writeMarker(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            java.nio.file.Files.write(marker(), java.nio.ByteBuffer.allocate(8).putLong(millis).array());
        } catch (IOException e) {
            Log.debug("cannot write " + marker() + ": " + e);
        }
    }

    @Override
    OptionalLong balanceLocked() {
        // Under the lock, as refill and commit: never between a backend step and the journal's record of it.
        Outcome o = backend.read(counter.name());
        if (!o.isGranted() || o.value() == Outcome.UNKNOWN) {
            return OptionalLong.empty();
        }
        Journal j = journal;
        long unrecorded = 0; // used and not in the counter: beyond the leases, or not sent
        if (j != null) {
            JournalState s = j.state();
            unrecorded = j.used() - (credits ? s.granted : s.confirmed);
        }
        return OptionalLong.of(counter.balance(o.value(), unrecorded));
    }
}
