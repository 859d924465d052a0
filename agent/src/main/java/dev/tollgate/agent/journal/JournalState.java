package dev.tollgate.agent.journal;

import java.util.Locale;

/**
 * What a journal knows besides the slots: {@code granted} (credits taken from the backend for this journal,
 * cumulative), {@code confirmed} (usage the backend has recorded, cumulative), {@code adjust} (units used
 * that are not in a slot, from adopted journals), a step that was sent and not yet answered, a journal being
 * absorbed, and when the backend last answered.
 */
public final class JournalState {
    /** A backend step that may have been applied although its answer never came. */
    public enum Op { TAKE, ADD }

    static final JournalState EMPTY = new JournalState(0, 0, 0, 0, null, 0, 0, 0, 0);

    final long seq;
    public final long granted;
    public final long confirmed;
    public final long adjust;
    public final Op pending;
    public final long pendingUnits;
    /** The counter's value read just before the pending step, or {@link Long#MIN_VALUE} when not read. */
    public final long pendingBefore;
    /** The id of a journal whose units were added to this one and whose file may still need deleting; 0: none. */
    public final long absorbing;
    /** {@link System#currentTimeMillis()} of the last answer from the backend; 0: never. */
    public final long lastSync;

    public JournalState(long seq, long granted, long confirmed, long adjust, Op pending, long pendingUnits,
            long pendingBefore, long absorbing, long lastSync) {
        this.seq = seq;
        this.granted = granted;
        this.confirmed = confirmed;
        this.adjust = adjust;
        this.pending = pending;
        this.pendingUnits = pendingUnits;
        this.pendingBefore = pendingBefore;
        this.absorbing = absorbing;
        this.lastSync = lastSync;
    }

    JournalState withSeq(long s) {
        return new JournalState(s, granted, confirmed, adjust, pending, pendingUnits, pendingBefore, absorbing, lastSync);
    }

    public JournalState granted(long g) {
        return new JournalState(seq, g, confirmed, adjust, pending, pendingUnits, pendingBefore, absorbing, lastSync);
    }

    public JournalState confirmed(long c) {
        return new JournalState(seq, granted, c, adjust, pending, pendingUnits, pendingBefore, absorbing, lastSync);
    }

    public JournalState adjust(long a) {
        return new JournalState(seq, granted, confirmed, a, pending, pendingUnits, pendingBefore, absorbing, lastSync);
    }

    public JournalState pending(Op op, long units, long before) {
        return new JournalState(seq, granted, confirmed, adjust, op, units, before, absorbing, lastSync);
    }

    public JournalState absorbing(long journalId) {
        return new JournalState(seq, granted, confirmed, adjust, pending, pendingUnits, pendingBefore, journalId,
                lastSync);
    }

    public JournalState synced(long millis) {
        return new JournalState(seq, granted, confirmed, adjust, pending, pendingUnits, pendingBefore, absorbing, millis);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "granted=%d confirmed=%d adjust=%d pending=%s/%d absorbing=%x",
                granted, confirmed, adjust, pending, pendingUnits, absorbing);
    }
}
