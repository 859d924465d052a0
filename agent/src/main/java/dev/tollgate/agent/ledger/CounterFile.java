package dev.tollgate.agent.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * One counter of the local ledger in its own file, shared safely by every thread and every JVM that
 * opens it.
 *
 * <p>The file holds two 32-byte slots; each write goes to the slot the newest one is not in, so a torn
 * write (power loss) can only damage the slot being written and the other still holds the previous
 * value. A slot is {@code magic | seq | value | kind | crc32}. Every step takes an exclusive lock on the
 * file (released by the OS if the process dies), reads both slots, and writes the next one before
 * answering: a step that returned is in the file, and kill -9 can lose only steps that had not
 * returned. Within one JVM a monitor serialises threads, since file locks are per process.
 *
 * <p>A file whose slots are both unreadable is corrupt: it is reported, never reset.
 */
final class CounterFile implements AutoCloseable {

    static final int SLOT = 32;
    private static final int MAGIC = 0x54474331; // "TGC1"

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

    private final Path path;
    private final long opening;
    private final FileChannel channel;
    private final ByteBuffer slots = ByteBuffer.allocate(2 * SLOT);
    private final ByteBuffer record = ByteBuffer.allocate(SLOT);
    private final CRC32 crc = new CRC32();

    /**
     * Opens (creating when absent) the counter at {@code path}.
     *
     * @param opening the value a new counter starts at
     */
    CounterFile(Path path, long opening) throws IOException {
        this.path = path;
        this.opening = opening;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    /** Subtracts {@code units} unless the value would fall below {@code floor}. */
    synchronized Step take(long units, long floor) throws IOException {
        return move(Kind.CREDITS, units, false, floor, Long.MAX_VALUE);
    }

    /** Adds {@code units} unless the value would rise above {@code cap}. */
    synchronized Step add(long units, long cap) throws IOException {
        return move(Kind.USAGE, units, true, Long.MIN_VALUE, cap);
    }

    /**
     * Gives back a charge of {@code units} that this counter took: credits come back (no cap), usage goes
     * down (never below 0). For refunds of calls that threw.
     */
    synchronized Step giveBack(long units, Kind kind) throws IOException {
        return kind == Kind.CREDITS ? move(kind, units, true, Long.MIN_VALUE, Long.MAX_VALUE)
                : move(kind, units, false, 0, Long.MAX_VALUE);
    }

    /**
     * The one locked step: moves the counter {@code units} up or down, unless {@code units} is negative, the
     * value would wrap, or it would leave {@code [low, high]} (inclusive); then nothing changes.
     */
    private Step move(Kind kind, long units, boolean up, long low, long high) throws IOException {
        try (FileLock ignored = channel.lock()) {
            Current c = current(kind);
            long next = up ? c.value + units : c.value - units;
            boolean wrapped = up ? next < c.value : next > c.value;
            if (units < 0 || wrapped || next < low || next > high) {
                return new Step(false, c.value);
            }
            write(c.seq + 1, next, kind);
            return new Step(true, next);
        }
    }

    /** The current value, of a counter of either kind. */
    synchronized long read() throws IOException {
        try (FileLock ignored = channel.lock()) {
            return current(null).value;
        }
    }

    /** False once the channel was closed, by {@link #close()} or by an interrupt during a step. */
    boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    private static final class Current {
        final long seq;
        final long value;

        Current(long seq, long value) {
            this.seq = seq;
            this.value = value;
        }
    }

    /**
     * Reads both slots under the lock. A new (empty) file holds the opening value; it is written with
     * the first step. {@code expected} is the kind the caller steps, or null for a plain read.
     */
    private Current current(Kind expected) throws IOException {
        long size = channel.size();
        if (size == 0) {
            // Never written (a crash between creating the file and its first write held no data).
            return new Current(0, opening);
        }
        slots.clear();
        while (slots.hasRemaining()) {
            if (channel.read(slots, slots.position()) < 0) {
                break;
            }
        }
        Current a = slot(0, expected);
        Current b = slot(SLOT, expected);
        if (a == null && b == null) {
            throw new CorruptException("ledger file " + path + " is corrupt (" + size + " bytes, no valid record); "
                    + "it was not reset. Restore it from a backup, or delete it to start again from the opening "
                    + "balance");
        }
        return a == null ? b : b == null ? a : a.seq > b.seq ? a : b;
    }

    private Current slot(int offset, Kind expected) throws IOException {
        if (slots.position() < offset + SLOT) {
            return null;
        }
        int magic = slots.getInt(offset);
        if (magic != MAGIC) {
            return null;
        }
        crc.reset();
        crc.update(slots.array(), offset, SLOT - 4);
        if ((int) crc.getValue() != slots.getInt(offset + SLOT - 4)) {
            return null;
        }
        Kind stored = Kind.of((int) slots.getLong(offset + 20));
        if (expected != null && stored != expected) {
            throw new CorruptException("ledger file " + path + " holds a " + (stored == null ? "unknown"
                    : stored.name().toLowerCase(java.util.Locale.ROOT)) + " counter, but the feature is configured as "
                    + expected.name().toLowerCase(java.util.Locale.ROOT) + "; it was not changed. Use another feature "
                    + "name, or move the file away to start the counter again");
        }
        return new Current(slots.getLong(offset + 4), slots.getLong(offset + 12));
    }

    private void write(long seq, long value, Kind kind) throws IOException {
        record.clear();
        record.putInt(MAGIC).putLong(seq).putLong(value).putLong(kind.code);
        crc.reset();
        crc.update(record.array(), 0, SLOT - 4);
        record.putInt((int) crc.getValue());
        record.flip();
        long offset = (seq & 1) * SLOT;
        while (record.hasRemaining()) {
            channel.write(record, offset + record.position());
        }
    }
}
