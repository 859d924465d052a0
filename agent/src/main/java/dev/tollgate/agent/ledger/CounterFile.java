package dev.tollgate.agent.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;

import dev.tollgate.agent.backend.Counter;

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
 * <p>Each record also carries the marker of the last top-up it took ({@link #topUp}), so a grant applied just
 * before a crash is known as applied. Files of the first format (two 32-byte slots, no grants) and of the second
 * (no top-up) are read, and rewritten in this one at their next step; a first-format file into the second region
 * first so that the old slots survive a torn first write.
 *
 * <p>After its record, each step writes the counter's {@link Witness}, a second record kept away from the ledger
 * folder. A file is never trusted alone: a newest record whose checksum fails falls back to the older one only
 * when that one is the witnessed step, i.e. the damaged record is a step that never returned (torn by power
 * loss, or the process died before the witness write); any other damage, an older copy put back, an edited
 * value, or a deleted or emptied file that the witness knows is reported and denied, never reset or rolled back
 * (see {@link Tampering}). A file whose records are all unreadable is corrupt: reported, never reset.
 */
final class CounterFile implements AutoCloseable {

    /** The size of a record of the first format. */
    static final int SLOT = 32;
    /** The size of each of the two record regions. */
    static final int REGION = 4096;
    /** {@code magic | seq | value | kind | count | last top-up}; the second format ends before the top-up. */
    static final int HEADER = 4 + 8 + 8 + 4 + 4 + 8;
    private static final int HEADER_V2 = 4 + 8 + 8 + 4 + 4;
    static final int GRANT = 24;
    /** Grants one record can hold: the journaling processes that can share a counter at once. */
    static final int MAX_GRANTS = (REGION - HEADER - 4) / GRANT;
    private static final int MAGIC_V1 = 0x54474331; // "TGC1"
    private static final int MAGIC_V2 = 0x54474332; // "TGC2"
    private static final int MAGIC = 0x54474333; // "TGC3": the second format and the last top-up

    /** Thrown when the file cannot be trusted; the message says what to do. */
    static final class CorruptException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptException(String message) {
            super(message);
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
    private final Witness witness;
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
        this(path, opening, null);
    }

    /**
     * Opens (creating when absent) the counter at {@code path}, checked against and recorded in {@code witness}.
     *
     * @param witness the counter's second record; {@code null} for none (the record mechanics alone)
     */
    CounterFile(Path path, long opening, Witness witness) throws IOException {
        this(path, opening, witness, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
    }

    private CounterFile(Path path, long opening, Witness witness, FileChannel channel) {
        this.path = path;
        this.opening = opening;
        this.witness = witness;
        this.channel = channel;
    }

    /** Opens an existing counter for {@link #peek} only: read-only, no witness; it never writes or locks. */
    static CounterFile readOnly(Path path) throws IOException {
        return new CounterFile(path, 0, null, FileChannel.open(path, StandardOpenOption.READ));
    }

    /** The newest record, read without the file lock: see {@link CounterSnapshot#read}. */
    CounterSnapshot peek() throws IOException {
        stepLock.lock();
        try {
            Current c = current(null);
            CounterKind kind = CounterKind.of(c.kind);
            return new CounterSnapshot(path, c.value, kind == null ? null : kind == CounterKind.CREDITS, c.grants,
                    channel.size() == 0);
        } finally {
            stepLock.unlock();
        }
    }

    /** Forces every write to disk before the step returns (the journal's fsync policy, for power loss). */
    void forceWrites(boolean on) {
        this.force = on;
    }

    /** Subtracts {@code units} unless the value, less the credits granted to journals, would fall below {@code floor}. */
    Step take(long units, long floor) throws IOException {
        stepLock.lock();
        try {
            return move(CounterKind.CREDITS, units, false, floor, Long.MAX_VALUE);
        } finally {
            stepLock.unlock();
        }
    }

    /** Adds {@code units} unless the value, plus the room granted to journals, would rise above {@code cap}. */
    Step add(long units, long cap) throws IOException {
        stepLock.lock();
        try {
            return move(CounterKind.USAGE, units, true, Long.MIN_VALUE, cap);
        } finally {
            stepLock.unlock();
        }
    }

    /**
     * Gives back a charge of {@code units} that this counter took: credits come back (no cap), usage goes
     * down (never below 0). For refunds of calls that threw.
     */
    Step giveBack(long units, CounterKind kind) throws IOException {
        stepLock.lock();
        try {
            return kind == CounterKind.CREDITS ? move(kind, units, true, Long.MIN_VALUE, Long.MAX_VALUE)
                    : move(kind, units, false, 0, Long.MAX_VALUE);
        } finally {
            stepLock.unlock();
        }
    }

    /**
     * Adds {@code units} credits bought as a top-up and records its {@code marker} in the same write, so that
     * whether a top-up was applied can be told after a crash ({@link #lastTopUp}).
     */
    Step topUp(long units, long marker) throws IOException {
        stepLock.lock();
        try (FileLock ignored = channel.lock()) {
            Current c = current(CounterKind.CREDITS);
            long next = c.value + units;
            if (units <= 0 || next < c.value) {
                return new Step(false, c.value);
            }
            write(c, next, CounterKind.CREDITS, c.grants, marker);
            return new Step(true, next);
        } finally {
            stepLock.unlock();
        }
    }

    /** The marker of the last top-up this counter took; 0 for none. */
    long lastTopUp() throws IOException {
        stepLock.lock();
        try (FileLock ignored = channel.lock()) {
            return current(null).lastTopUp;
        } finally {
            stepLock.unlock();
        }
    }

    /**
     * The one locked step: moves the counter {@code units} up or down, unless {@code units} is negative, the
     * value would wrap, or it would leave {@code [low, high]} (inclusive) once the grants' held units are
     * counted; then nothing changes.
     */
    private Step move(CounterKind kind, long units, boolean up, long low, long high) throws IOException {
        try (FileLock ignored = channel.lock()) {
            Current c = current(kind);
            // Grants hold units back from steps that consume (credits down, usage up), not from refunds.
            long held = (kind == CounterKind.CREDITS) != up ? c.held() : 0;
            long next = up ? c.value + units : c.value - units;
            boolean wrapped = up ? next < c.value : next > c.value;
            if (units < 0 || wrapped || (up ? next > Current.sub(high, held) : next < Current.plus(low, held))) {
                return new Step(false, c.value);
            }
            write(c, next, kind, c.grants, c.lastTopUp);
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
    Step reserve(CounterKind kind, long journal, long want, long least, long bound) throws IOException {
        stepLock.lock();
        try (FileLock ignored = channel.lock()) {
            Current c = current(kind);
            long free = kind == CounterKind.CREDITS ? c.value - c.held() - bound : Current.sub(bound, c.value) - c.held();
            free = Math.max(0, free);
            long granted = Counter.share(free, want, least);
            if (granted < least || granted <= 0) {
                return new Step(false, free);
            }
            int at = c.find(journal);
            Grant g = at < 0 ? new Grant(journal, 0, 0) : c.grants[at];
            write(c, c.value, kind, c.with(new Grant(journal, g.reserved + granted, g.confirmed), at), c.lastTopUp);
            return new Step(true, granted);
        } finally {
            stepLock.unlock();
        }
    }

    /**
     * Adds a grant of nothing for {@code journal} unless it has one: for usage with no cap, which is recorded
     * before it is ever reserved, so that a grant that is gone always means "settled".
     */
    void open(CounterKind kind, long journal) throws IOException {
        stepLock.lock();
        try (FileLock ignored = channel.lock()) {
            Current c = current(kind);
            if (c.find(journal) < 0) {
                write(c, c.value, kind, c.with(new Grant(journal, 0, 0), -1), c.lastTopUp);
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
    Step confirm(CounterKind kind, long journal, long used, boolean settle) throws IOException {
        stepLock.lock();
        try (FileLock ignored = channel.lock()) {
            Current c = current(kind);
            int at = c.find(journal);
            if (at < 0) {
                return new Step(false, c.value);
            }
            Grant g = c.grants[at];
            long delta = used - g.confirmed;
            long next = kind == CounterKind.CREDITS ? c.value - delta : c.value + delta;
            Grant[] grants = settle ? c.without(at) : c.with(new Grant(journal, Math.max(g.reserved, used), used), at);
            write(c, next, kind, grants, c.lastTopUp);
            return new Step(true, next);
        } finally {
            stepLock.unlock();
        }
    }

    /** Forces what was written to disk, the counter before its witness. */
    void force() throws IOException {
        channel.force(false);
        if (witness != null) {
            witness.force();
        }
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
            if (witness != null) {
                witness.close();
            }
        } finally {
            stepLock.unlock();
        }
    }

    /**
     * Reads the records under the lock, and holds them against the witness. A new (empty) file holds the opening
     * value; it is written with the first step. {@code expected} is the kind the caller steps, or null for a
     * plain read.
     */
    private Current current(CounterKind expected) throws IOException {
        Witness.Entry w = witness == null ? null : witness.read();
        boolean witnessed = w != null && w != Witness.DAMAGED;
        long size = channel.size();
        if (size == 0) {
            if (witnessed) {
                throw Tampering.lost(path, witness.path(), w);
            }
            // Never written (a crash between creating the file and its first write held no data).
            return new Current(0, opening, 0, Current.NONE, 0, false);
        }
        regions.clear();
        while (regions.hasRemaining()) {
            if (channel.read(regions, regions.position()) < 0) {
                break;
            }
        }
        Current a = record(0, expected);
        Current b = record(REGION, expected);
        boolean damaged = (a == null && written(0)) || (b == null && written(REGION));
        if (a == null && b == null) {
            a = legacySlot(0, expected);
            b = legacySlot(SLOT, expected);
        }
        if (a == null && b == null) {
            if (witnessed) {
                throw Tampering.unreadable(path, size, witness.path(), w);
            }
            throw new CorruptException("ledger file " + path + " is corrupt (" + size + " bytes, no valid record); "
                    + "it was not reset. Restore it from a backup, or delete it to start again from the opening "
                    + "balance");
        }
        Current newest = a == null ? b : b == null ? a : a.seq > b.seq ? a : b;
        if (witness != null) {
            Tampering.vouch(path, witness, newest, w, damaged && !newest.legacy, force);
        }
        return newest;
    }

    /** Whether the region holds anything: a region never written reads as zeros or lies past the end. */
    private boolean written(int offset) {
        for (int i = offset, end = Math.min(regions.position(), offset + REGION); i < end; i++) {
            if (regions.get(i) != 0) {
                return true;
            }
        }
        return false;
    }

    private Current record(int offset, CounterKind expected) throws IOException {
        int magic = regions.position() < offset + HEADER_V2 + 4 ? 0 : regions.getInt(offset);
        int header = magic == MAGIC ? HEADER : magic == MAGIC_V2 ? HEADER_V2 : -1;
        if (header < 0 || regions.position() < offset + header + 4) {
            return null;
        }
        int count = regions.getInt(offset + 24);
        if (count < 0 || count > MAX_GRANTS || regions.position() < offset + header + count * GRANT + 4) {
            return null;
        }
        int end = offset + header + count * GRANT;
        crc.reset();
        crc.update(regions.array(), offset, end - offset);
        if ((int) crc.getValue() != regions.getInt(end)) {
            return null;
        }
        int kind = regions.getInt(offset + 20);
        checkKind(kind, expected);
        Grant[] grants = count == 0 ? Current.NONE : new Grant[count];
        for (int i = 0; i < count; i++) {
            int at = offset + header + i * GRANT;
            grants[i] = new Grant(regions.getLong(at), regions.getLong(at + 8), regions.getLong(at + 16));
        }
        long lastTopUp = header == HEADER ? regions.getLong(offset + 28) : 0;
        return new Current(regions.getLong(offset + 4), regions.getLong(offset + 12), kind, grants, lastTopUp, false);
    }

    private Current legacySlot(int offset, CounterKind expected) throws IOException {
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
        return new Current(regions.getLong(offset + 4), regions.getLong(offset + 12), kind, Current.NONE, 0, true);
    }

    private void checkKind(int code, CounterKind expected) throws CorruptException {
        CounterKind stored = CounterKind.of(code);
        if (expected != null && stored != expected) {
            throw new CorruptException("ledger file " + path + " holds a " + (stored == null ? "unknown"
                    : stored.name().toLowerCase(java.util.Locale.ROOT)) + " counter, but the feature is configured as "
                    + expected.name().toLowerCase(java.util.Locale.ROOT) + "; it was not changed. Use another feature "
                    + "name, or move the file away to start the counter again");
        }
    }

    /** Writes the record after {@code c}, then the witness: a step that returns is in both. */
    private void write(Current c, long value, CounterKind kind, Grant[] grants, long lastTopUp) throws IOException {
        if (grants.length > MAX_GRANTS) {
            throw new IOException("ledger file " + path + " already holds the grants of " + MAX_GRANTS
                    + " processes, the most it can");
        }
        long seq = c.seq + 1;
        if (c.legacy && (seq & 1) == 0) {
            seq++; // the first write of a converted file goes to the second region, away from the old slots
        }
        record.clear();
        record.putInt(MAGIC).putLong(seq).putLong(value).putInt(kind.code).putInt(grants.length).putLong(lastTopUp);
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
        if (witness != null) {
            witness.write(seq, value, kind.code, force);
        }
    }
}
