package dev.tollgate.agent.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;

/**
 * One counter of the local ledger in its own file, shared safely by every thread and every JVM that
 * opens it, with the table of {@link Grant grants} held by journaling processes.
 *
 * <p>The file holds two records of up to {@value #REGION} bytes; each write goes to the region the newest
 * one is not in, so a torn write (power loss) can only damage the record being written and the other still
 * holds the previous state. A record is {@code magic | seq | value | kind | count | grants | crc32}, where a
 * grant is {@code journal id | reserved | confirmed}. Every step takes an exclusive lock on the file (released
 * by the OS if the process dies), reads the records, and writes the next one before answering: a step that
 * returned is in the file, and kill -9 can lose only steps that had not returned. Within one JVM a lock
 * serialises threads, since file locks are per process.
 *
 * <p>Because the value and the grants are one record, taking a block of credits for a journal, confirming
 * what it used and settling it are each atomic: no crash leaves units that left the counter without a
 * journal that owns them, and a grant that is gone was settled.
 *
 * <p>Files of the first format (two 32-byte slots, no grants) are read, and rewritten in this one at
 * their next step, into the second region first so that the old slots survive a torn first write.
 *
 * <p>A file whose records are all unreadable is corrupt: it is reported, never reset.
 */
final class CounterFile implements AutoCloseable {

    /** The size of a record of the first format. */
    static final int SLOT = 32;
    /** The size of each of the two record regions. */
    static final int REGION = 4096;
    static final int HEADER = 4 + 8 + 8 + 4 + 4;
    static final int GRANT = 24;
    /** Grants one record can hold: the journaling processes that can share a counter at once. */
    static final int MAX_GRANTS = (REGION - HEADER - 4) / GRANT;
    private static final int MAGIC_V1 = 0x54474331; // "TGC1"
    private static final int MAGIC = 0x54474332; // "TGC2"

    /** What a counter holds; stored so that a counter cannot silently change model. */
    enum Kind {
        CREDITS(1), USAGE(2);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }

    /** Thrown when the file cannot be trusted; the message says what to do. */
    static final class CorruptException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptException(String message) {
            super(message);
        }
    }

    /** The answer to a step: applied or not, and the value after it (or the current one when refused). */
    static final class Step {
        final boolean applied;
        final long value;

        Step(boolean applied, long value) {
            this.applied = applied;
            this.value = value;
        }
    }

    /**
     * Units a journaling process holds: {@code reserved} (credits taken for it, or room under the cap kept for
     * it) and {@code confirmed} (of what it used, how much is already in the value). Its units not yet
     * confirmed but reserved are held back from everyone else.
     */
    static final class Grant {
        final long journal;
        final long reserved;
        final long confirmed;

        Grant(long journal, long reserved, long confirmed) {
            this.journal = journal;
            this.reserved = reserved;
            this.confirmed = confirmed;
        }

        /** Units reserved and not yet confirmed: what the grant keeps from others. */
        long held() {
            return Math.max(0, reserved - confirmed);
        }

        @Override
        public String toString() {
            return Long.toHexString(journal) + ": reserved " + reserved + ", confirmed " + confirmed;
        }
    }

    private final Path path;
    private final long opening;
    private final FileChannel channel;
    private final ByteBuffer regions = ByteBuffer.allocate(2 * REGION);
    private final ByteBuffer record = ByteBuffer.allocate(REGION);
    private final CRC32 crc = new CRC32();
    private boolean force;
    /**
     * One step at a time in this JVM (the file lock keeps other JVMs out, and refuses a second holder in the same
     * one). A lock rather than a monitor: on JDK 21-23 a virtual thread waiting for a monitor pins its carrier,
     * and strict calls on a busy counter wait here in turn.
     */
    final ReentrantLock stepLock = new ReentrantLock();

    /**
     * Opens (creating when absent) the counter at {@code path}.
     *
     * @param opening the value a new counter starts at
     */
    CounterFile(Path path, long opening) throws IOException {
        this(path, opening, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
    }

    private CounterFile(Path path, long opening, FileChannel channel) {
        this.path = path;
        this.opening = opening;
        this.channel = channel;
    }

    /** Forces every write to disk before the step returns (the journal's fsync policy, for power loss). */
    void forceWrites(boolean on) {
        this.force = on;
    }

    /** Opens an existing counter for {@link #peek} only: read-only, so it can never write or lock the file. */
    static CounterFile readOnly(Path path) throws IOException {
        return new CounterFile(path, 0, FileChannel.open(path, StandardOpenOption.READ));
    }

    /** The newest record, read without the file lock: see {@link CounterSnapshot#read}. */
    CounterSnapshot peek() throws IOException {
        stepLock.lock();
        try {
            Current c = current(null);
            return new CounterSnapshot(path, c.value, c.kind == null ? null : c.kind == Kind.CREDITS, c.grants,
                    channel.size() == 0);
        } finally {
            stepLock.unlock();
        }
    }

    /** Subtracts {@code units} unless the value, less the credits granted to journals, would fall below {@code floor}. */
    Step take(long units, long floor) throws IOException {
        stepLock.lock();
        try {
            return move(Kind.CREDITS, units, false, floor, Long.MAX_VALUE);
        } finally {
            stepLock.unlock();
        }
    }

    /** Adds {@code units} unless the value, plus the room granted to journals, would rise above {@code cap}. */
    Step add(long units, long cap) throws IOException {
        stepLock.lock();
        try {
            return move(Kind.USAGE, units, true, Long.MIN_VALUE, cap);
        } finally {
            stepLock.unlock();
        }
    }

    /**
     * Gives back a charge of {@code units} that this counter took: credits come back (no cap), usage goes
     * down (never below 0). For refunds of calls that threw.
     */
    Step giveBack(long units, Kind kind) throws IOException {
        stepLock.lock();
        try {
            return kind == Kind.CREDITS ? move(kind, units, true, Long.MIN_VALUE, Long.MAX_VALUE)
                    : move(kind, units, false, 0, Long.MAX_VALUE);
        } finally {
            stepLock.unlock();
        }
    }

    /**
     * The one locked step: moves the counter {@code units} up or down, unless {@code units} is negative, the
     * value would wrap, or it would leave {@code [low, high]} (inclusive) once the grants' held units are
     * counted; then nothing changes.
     */
    private Step move(Kind kind, long units, boolean up, long low, long high) throws IOException {
        try (FileLock ignored = channel.lock()) {
            Current c = current(kind);
            // Grants hold units back from steps that consume (credits down, usage up), not from refunds.
            long held = (kind == Kind.CREDITS) != up ? c.held() : 0;
            long next = up ? c.value + units : c.value - units;
            boolean wrapped = up ? next < c.value : next > c.value;
            if (units < 0 || wrapped || (up ? next > sub(high, held) : next < plus(low, held))) {
                return new Step(false, c.value);
            }
            write(c.seq + 1, next, kind, c.grants, c.legacy);
            return new Step(true, next);
        }
    }

    /**
     * Reserves up to {@code want} units for {@code journal}, and at least {@code least}: credits taken from what
     * is left above {@code bound}, or room kept under the cap {@code bound}. A journal's first reservation
     * adds its grant.
     *
     * @return applied with the units reserved; or refused with the units that were free
     */
    Step reserve(Kind kind, long journal, long want, long least, long bound) throws IOException {
        stepLock.lock();
        try (FileLock ignored = channel.lock()) {
            Current c = current(kind);
            long free = kind == Kind.CREDITS ? c.value - c.held() - bound : sub(bound, c.value) - c.held();
            free = Math.max(0, free);
            // Near the bound, take half of what is free (at least what is needed now), so that other processes
            // sharing the counter are not starved by credits this one may never use.
            long granted = free >= 2 * want ? want : Math.min(free, Math.min(want, Math.max(least, (free + 1) / 2)));
            if (want <= 0 || granted < least || granted <= 0) {
                return new Step(false, free);
            }
            int at = c.find(journal);
            Grant g = at < 0 ? new Grant(journal, 0, 0) : c.grants[at];
            write(c.seq + 1, c.value, kind, c.with(new Grant(journal, g.reserved + granted, g.confirmed), at), c.legacy);
            return new Step(true, granted);
        } finally {
            stepLock.unlock();
        }
    }

    /**
     * Adds a grant of nothing for {@code journal} unless it has one: for usage with no cap, which is recorded
     * before it is ever reserved, so that a grant that is gone always means "settled".
     */
    void open(Kind kind, long journal) throws IOException {
        stepLock.lock();
        try (FileLock ignored = channel.lock()) {
            Current c = current(kind);
            if (c.find(journal) < 0) {
                write(c.seq + 1, c.value, kind, c.with(new Grant(journal, 0, 0), -1), c.legacy);
            }
        } finally {
            stepLock.unlock();
        }
    }

    /**
     * Moves the value by what {@code journal} used since its last confirmation ({@code used} is its total) and
     * records that; with {@code settle}, removes its grant too, which gives back what it reserved and did not
     * use. One write, so it happens whole or not at all.
     *
     * @return applied with the value after it; refused (nothing written) when the journal has no grant, which
     *     means it was settled before
     */
    Step confirm(Kind kind, long journal, long used, boolean settle) throws IOException {
        stepLock.lock();
        try (FileLock ignored = channel.lock()) {
            Current c = current(kind);
            int at = c.find(journal);
            if (at < 0) {
                return new Step(false, c.value);
            }
            Grant g = c.grants[at];
            long delta = used - g.confirmed;
            long next = kind == Kind.CREDITS ? c.value - delta : c.value + delta;
            Grant[] grants = settle ? c.without(at) : c.with(new Grant(journal, Math.max(g.reserved, used), used), at);
            write(c.seq + 1, next, kind, grants, c.legacy);
            return new Step(true, next);
        } finally {
            stepLock.unlock();
        }
    }

    /** Forces what was written to disk. */
    void force() throws IOException {
        channel.force(false);
    }

    /** The grants recorded now. */
    Grant[] grants() throws IOException {
        stepLock.lock();
        try (FileLock ignored = channel.lock()) {
            return current(null).grants.clone();
        } finally {
            stepLock.unlock();
        }
    }

    /** The current value, of a counter of either kind. */
    long read() throws IOException {
        stepLock.lock();
        try (FileLock ignored = channel.lock()) {
            return current(null).value;
        } finally {
            stepLock.unlock();
        }
    }

    /** False once the channel was closed, by {@link #close()} or by an interrupt during a step. */
    boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        stepLock.lock();
        try {
            channel.close();
        } finally {
            stepLock.unlock();
        }
    }

    private static long plus(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    private static long sub(long a, long b) {
        return plus(a, -b);
    }

    private static final Grant[] NONE = new Grant[0];

    private static final class Current {
        final long seq;
        final long value;
        /** The kind stored with the record; null in a file never written. */
        final Kind kind;
        final Grant[] grants;
        /** Read from the first format: the next write must not touch its slots' region first. */
        final boolean legacy;

        Current(long seq, long value, Kind kind, Grant[] grants, boolean legacy) {
            this.seq = seq;
            this.value = value;
            this.kind = kind;
            this.grants = grants;
            this.legacy = legacy;
        }

        long held() {
            long sum = 0;
            for (Grant g : grants) {
                sum = plus(sum, g.held());
            }
            return sum;
        }

        int find(long journal) {
            for (int i = 0; i < grants.length; i++) {
                if (grants[i].journal == journal) {
                    return i;
                }
            }
            return -1;
        }

        Grant[] with(Grant g, int at) {
            Grant[] next = at < 0 ? java.util.Arrays.copyOf(grants, grants.length + 1) : grants.clone();
            next[at < 0 ? grants.length : at] = g;
            return next;
        }

        Grant[] without(int at) {
            Grant[] next = new Grant[grants.length - 1];
            System.arraycopy(grants, 0, next, 0, at);
            System.arraycopy(grants, at + 1, next, at, grants.length - at - 1);
            return next;
        }
    }

    /**
     * Reads the records under the lock. A new (empty) file holds the opening value; it is written with
     * the first step. {@code expected} is the kind the caller steps, or null for a plain read.
     */
    private Current current(Kind expected) throws IOException {
        long size = channel.size();
        if (size == 0) {
            // Never written (a crash between creating the file and its first write held no data).
            return new Current(0, opening, null, NONE, false);
        }
        regions.clear();
        while (regions.hasRemaining()) {
            if (channel.read(regions, regions.position()) < 0) {
                break;
            }
        }
        Current a = record(0, expected);
        Current b = record(REGION, expected);
        if (a == null && b == null) {
            a = legacySlot(0, expected);
            b = legacySlot(SLOT, expected);
        }
        if (a == null && b == null) {
            throw new CorruptException("ledger file " + path + " is corrupt (" + size + " bytes, no valid record); "
                    + "it was not reset. Restore it from a backup, or delete it to start again from the opening "
                    + "balance");
        }
        return a == null ? b : b == null ? a : a.seq > b.seq ? a : b;
    }

    private Current record(int offset, Kind expected) throws IOException {
        if (regions.position() < offset + HEADER + 4 || regions.getInt(offset) != MAGIC) {
            return null;
        }
        int count = regions.getInt(offset + 24);
        if (count < 0 || count > MAX_GRANTS || regions.position() < offset + HEADER + count * GRANT + 4) {
            return null;
        }
        int end = offset + HEADER + count * GRANT;
        crc.reset();
        crc.update(regions.array(), offset, end - offset);
        if ((int) crc.getValue() != regions.getInt(end)) {
            return null;
        }
        int kind = regions.getInt(offset + 20);
        checkKind(kind, expected);
        Grant[] grants = count == 0 ? NONE : new Grant[count];
        for (int i = 0; i < count; i++) {
            int at = offset + HEADER + i * GRANT;
            grants[i] = new Grant(regions.getLong(at), regions.getLong(at + 8), regions.getLong(at + 16));
        }
        return new Current(regions.getLong(offset + 4), regions.getLong(offset + 12), Kind.of(kind), grants, false);
    }

    private Current legacySlot(int offset, Kind expected) throws IOException {
        if (regions.position() < offset + SLOT || regions.getInt(offset) != MAGIC_V1) {
            return null;
        }
        crc.reset();
        crc.update(regions.array(), offset, SLOT - 4);
        if ((int) crc.getValue() != regions.getInt(offset + SLOT - 4)) {
            return null;
        }
        int kind = (int) regions.getLong(offset + 20);
        checkKind(kind, expected);
        return new Current(regions.getLong(offset + 4), regions.getLong(offset + 12), Kind.of(kind), NONE, true);
    }

    private void checkKind(int code, Kind expected) throws CorruptException {
        Kind stored = Kind.of(code);
        if (expected != null && stored != expected) {
            throw new CorruptException("ledger file " + path + " holds a " + (stored == null ? "unknown"
                    : stored.name().toLowerCase(java.util.Locale.ROOT)) + " counter, but the feature is configured as "
                    + expected.name().toLowerCase(java.util.Locale.ROOT) + "; it was not changed. Use another feature "
                    + "name, or move the file away to start the counter again");
        }
    }

    private void write(long seq, long value, Kind kind, Grant[] grants, boolean legacy) throws IOException {
        if (grants.length > MAX_GRANTS) {
            throw new IOException("ledger file " + path + " already holds the grants of " + MAX_GRANTS
                    + " processes, the most it can");
        }
        if (legacy && (seq & 1) == 0) {
            seq++; // the first write of a converted file goes to the second region, away from the old slots
        }
        record.clear();
        record.putInt(MAGIC).putLong(seq).putLong(value).putInt(kind.code).putInt(grants.length);
        for (Grant g : grants) {
            record.putLong(g.journal).putLong(g.reserved).putLong(g.confirmed);
        }
        crc.reset();
        crc.update(record.array(), 0, record.position());
        record.putInt((int) crc.getValue());
        record.flip();
        long offset = (seq & 1) * REGION;
        while (record.hasRemaining()) {
            channel.write(record, offset + record.position());
        }
        if (force) {
            channel.force(false);
        }
    }
}
