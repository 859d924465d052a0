package dev.tollgate.agent.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The ledger's second record of one counter, kept away from the ledger folder: the step ({@code seq}), value and
 * kind of the counter's last record that a step returned with. Its existence also records that the counter was
 * given its opening balance, so that a counter file that vanishes is never started again from it.
 *
 * <p>The file holds two slots of {@value #SLOT} bytes, {@code magic | seq | value | kind | crc32}, written in
 * turn like the counter's regions. It is written under the counter file's lock, after the counter record, so it
 * is never ahead of a step the counter file did not take. Its folder is per ledger,
 * {@code ~/.tollgate/witness/<hash of the ledger folder>/} ({@link #dirFor}): deleting or replacing the ledger
 * folder, or one file in it, leaves the witness where it was.
 *
 * <pre>{@code
 * Witness w = new Witness(Witness.dirFor(Witness.defaultRoot(), ledgerDir).resolve("export.witness"));
 * w.write(12, 988, CounterKind.CREDITS.code);
 * Witness.Entry e = w.read();   // seq 12, value 988
 * }</pre>
 */
final class Witness implements AutoCloseable {

    static final int SLOT = 32;
    private static final int MAGIC = 0x54475731; // "TGW1"
    static final String SUFFIX = ".witness";

    /** What the witness recorded; {@code damaged} when the file has content but no readable slot. */
    static final class Entry {
        final long seq;
        final long value;
        final int kind;

        Entry(long seq, long value, int kind) {
            this.seq = seq;
            this.value = value;
            this.kind = kind;
        }
    }

    /** Read from a file with content but no readable slot: treated as absent, and said so. */
    static final Entry DAMAGED = new Entry(-1, 0, 0);

    private final Path path;
    private final ByteBuffer slots = ByteBuffer.allocate(2 * SLOT);
    private final ByteBuffer slot = ByteBuffer.allocate(SLOT);
    private final CRC32 crc = new CRC32();
    private FileChannel channel;

    Witness(Path path) {
        this.path = path;
    }

    /** The folder of all witnesses: {@code ~/.tollgate/witness}. */
    static Path defaultRoot() {
        return Paths.get(System.getProperty("user.home"), ".tollgate", "witness");
    }

    /** The witness folder of the ledger in {@code ledgerDir}: named by a 64-bit hash of its absolute path. */
    static Path dirFor(Path root, Path ledgerDir) {
        Path abs = ledgerDir.toAbsolutePath().normalize();
        try {
            abs = abs.toRealPath();
        } catch (IOException e) {
            // Not there yet: its absolute path names it.
        }
        // CRC-32 and String.hashCode rather than SHA-256: a name, not a secret, and no security provider to
        // start (milliseconds) on a product's first metered call.
        String text = abs.toString();
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        String hex = Long.toHexString(crc.getValue() << 32 | (text.hashCode() & 0xffffffffL));
        return root.resolve("0000000000000000".substring(hex.length()) + hex);
    }

    Path path() {
        return path;
    }

    /** The newest readable slot; {@code null} when there is no witness yet, {@link #DAMAGED} when unreadable. */
    Entry read() throws IOException {
        FileChannel c = channel(false);
        if (c == null || c.size() == 0) {
            return null;
        }
        slots.clear();
        while (slots.hasRemaining() && c.read(slots, slots.position()) >= 0) {
            // reads up to both slots
        }
        Entry a = slot(0);
        Entry b = slot(SLOT);
        if (a == null && b == null) {
            return DAMAGED;
        }
        return a == null ? b : b == null ? a : a.seq > b.seq ? a : b;
    }

    private Entry slot(int offset) {
        if (slots.position() < offset + SLOT || slots.getInt(offset) != MAGIC) {
            return null;
        }
        crc.reset();
        crc.update(slots.array(), offset, SLOT - 4);
        if ((int) crc.getValue() != slots.getInt(offset + SLOT - 4)) {
            return null;
        }
        return new Entry(slots.getLong(offset + 4), slots.getLong(offset + 12), slots.getInt(offset + 20));
    }

    /** Records the counter's step; into the slot the newest one is not in, so a torn write keeps the previous. */
    void write(long seq, long value, int kind, boolean force) throws IOException {
        slot.clear();
        slot.putInt(MAGIC).putLong(seq).putLong(value).putInt(kind).putInt(0);
        crc.reset();
        crc.update(slot.array(), 0, SLOT - 4);
        slot.putInt((int) crc.getValue());
        slot.flip();
        FileChannel c = channel(true);
        long offset = (seq & 1) * SLOT;
        while (slot.hasRemaining()) {
            c.write(slot, offset + slot.position());
        }
        if (force) {
            c.force(false);
        }
    }

    void force() throws IOException {
        FileChannel c = channel;
        if (c != null) {
            c.force(false);
        }
    }

    private FileChannel channel(boolean create) throws IOException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        if (create) {
            Files.createDirectories(path.getParent());
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } else {
            try {
                channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                return null;
            }
        }
        return channel;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
