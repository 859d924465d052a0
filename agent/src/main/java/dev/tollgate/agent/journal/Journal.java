package dev.tollgate.agent.journal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;

/**
 * The units of one counter that this process served and its backend has not confirmed yet, in a
 * memory-mapped file: crash-safe with no system call per metered call.
 *
 * <p>A call adds its units to its thread's {@link Slot}: a plain store into the mapped file, which is in the
 * operating system's page cache as soon as it is made, so kill -9 or a crash of the JVM loses nothing a
 * call wrote. Each thread owns one slot (one writer, no lock, no contention); a slot whose thread has died is
 * taken over by a new thread and keeps counting. The total used is the sum of the slots plus
 * {@link JournalState#adjust}.
 *
 * <p>The {@link JournalState} (credits granted, units confirmed, a step in flight) is written as a checksummed
 * record into one of two places, the older one, so a torn write leaves the previous record readable.
 *
 * <p>A live journal is locked by its process; a journal whose lock can be taken belongs to a process that
 * ended, and its units are settled or adopted by the next one ({@link #adopt}). Power loss is covered by
 * {@link #force()}, called by the fsync policy.
 *
 * <pre>{@code
 * Journal j = Journal.create(dir, "export", true);
 * Journal.Slot mine = j.claim();
 * mine.add(1);              // a call was served
 * long used = j.used();     // what the sync thread sends or settles
 * }</pre>
 */
public final class Journal implements Closeable {

    static final int MAGIC = 0x54474a31; // "TGJ1"
    static final int STATE_MAGIC = 0x54474a53; // "TGJS"
    static final int STATE_AT = 256;
    static final int STATE_SIZE = 128;
    static final int SLOTS_AT = 4096;
    /** A slot per cache line, so that threads writing their own slots do not slow each other down. */
    static final int STRIDE = 64;
    /** Slot 0 is shared by the threads that find every other slot owned by a live thread. */
    static final int SLOTS = 256;
    static final int SIZE = SLOTS_AT + SLOTS * STRIDE;
    static final String SUFFIX = ".journal";

    private final Path path;
    private final long id;
    private final boolean credits;
    private final FileChannel channel;
    private final FileLock lock;
    private final MappedByteBuffer map;
    private final Slot[] slots = new Slot[SLOTS];
    /**
     * Guards {@link #slots} and their owners. A lock rather than this journal's monitor (which state writes
     * hold): on JDK 21-23 a virtual thread that waits for a monitor pins its carrier, and a thread's first
     * metered call claims its slot here.
     */
    final ReentrantLock slotsLock = new ReentrantLock();
    private final CRC32 crc = new CRC32();
    private final byte[] record = new byte[STATE_SIZE];
    private JournalState state;
    private boolean forceEachCall;

    private Journal(Path path, long id, boolean credits, FileChannel channel, FileLock lock, MappedByteBuffer map,
            JournalState state) {
        this.path = path;
        this.id = id;
        this.credits = credits;
        this.channel = channel;
        this.lock = lock;
        this.map = map;
        this.state = state;
    }

    /** Thrown when a journal file cannot be trusted; the message says which and what to do. */
    public static final class CorruptException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptException(String message) {
            super(message);
        }
    }

    /**
     * Creates and locks a new journal for {@code counter} in {@code dir}, with a new random id.
     *
     * @param credits whether the counter holds credits (else usage); stored, and checked on adoption
     */
    public static Journal create(Path dir, String counter, boolean credits) throws IOException {
        Files.createDirectories(dir);
        for (int attempt = 0; ; attempt++) {
            long id = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
            if (id == 0) {
                continue;
            }
            Path path = dir.resolve(counter + "." + Long.toHexString(id) + SUFFIX);
            FileChannel channel;
            try {
                channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt < 3) {
                    continue;
                }
                throw e;
            }
            try {
                FileLock lock = channel.lock();
                MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
                map.putInt(0, MAGIC).putInt(4, 1).putLong(8, id).putInt(16, credits ? 1 : 2);
                Journal j = new Journal(path, id, credits, channel, lock, map, JournalState.EMPTY);
                j.write(JournalState.EMPTY);
                return j;
            } catch (IOException | RuntimeException e) {
                channel.close();
                Files.deleteIfExists(path);
                throw e;
            }
        }
    }

    /**
     * Opens and locks the journal at {@code path} when the process that wrote it has ended.
     *
     * @return the journal, or {@code null} when a live process (this one included) holds it, or when its process
     *     ended before writing anything into it (killed between creating the file and its header: it holds no
     *     units and had no grant, so it is deleted)
     * @throws CorruptException when the file is not a readable journal of the expected kind
     */
    public static Journal adopt(Path path, boolean credits) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this JVM
            }
            if (lock == null) {
                channel.close();
                return null;
            }
            if (neverWritten(channel)) {
                channel.close();
                Files.deleteIfExists(path);
                return null;
            }
            if (channel.size() != SIZE) {
                throw new CorruptException("journal " + path + " is " + channel.size() + " bytes, not " + SIZE
                        + "; it was left as it is. Move it away once its units are accounted for");
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
            boolean isCredits = map.getInt(16) == 1;
            if (map.getInt(0) != MAGIC || map.getInt(4) != 1 || isCredits != credits) {
                throw new CorruptException("journal " + path + " is not a Tollgate " + (credits ? "credits" : "usage")
                        + " journal; it was left as it is");
            }
            Journal j = new Journal(path, map.getLong(8), credits, channel, lock, map, null);
            j.state = readState(map, path, j.record, j.crc);
            return j;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Whether the file is empty, or all zeros where {@link #create} writes its header first. */
    private static boolean neverWritten(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return true;
        }
        if (size != SIZE) {
            return false;
        }
        ByteBuffer head = ByteBuffer.allocate(STATE_AT + STATE_SIZE * 2);
        channel.read(head, 0);
        for (int i = 0; i < head.position(); i++) {
            if (head.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Journals of {@code counter} in {@code dir} other than {@code except} (live or not). */
    public static List<Path> of(Path dir, String counter, Journal except) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        // Names are matched here rather than with a glob, which would compile a regular expression at the
        // product's first metered call.
        String prefix = counter + ".";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (!name.startsWith(prefix) || !name.endsWith(SUFFIX)
                        || name.length() <= prefix.length() + SUFFIX.length()) {
                    continue;
                }
                String middle = name.substring(prefix.length(), name.length() - SUFFIX.length());
                if (middle.indexOf('.') < 0 && (except == null || !p.equals(except.path))) {
                    found.add(p);
                }
            }
        }
        return found;
    }

    /** This journal's id, unique among the journals of its counter. */
    public long id() {
        return id;
    }

    public Path path() {
        return path;
    }

    /** Whether the counter holds credits (else usage). */
    public boolean credits() {
        return credits;
    }

    /** Force the file to disk after every call ({@code fsync: always}). */
    public void forceEachCall(boolean on) {
        this.forceEachCall = on;
    }

    /**
     * A slot for the calling thread: a free one, else one whose thread has died, else the shared slot.
     * The caller keeps it for the thread (it is not thread-safe unless it is the shared one).
     */
    public Slot claim() {
        slotsLock.lock();
        try {
            return claimLocked();
        } finally {
            slotsLock.unlock();
        }
    }

    private Slot claimLocked() {
        Thread me = Thread.currentThread();
        for (int i = 1; i < SLOTS; i++) {
            Slot s = slots[i];
            if (s == null) {
                s = new Slot(this, i, false);
                slots[i] = s;
                s.owner = me;
                return s;
            }
            Thread owner = s.owner;
            if (owner == null || !owner.isAlive()) {
                s.owner = me;
                s.value = map.getLong(s.offset); // the dead thread's last store happened before its end
                return s;
            }
        }
        Slot shared = slots[0];
        if (shared == null) {
            shared = new Slot(this, 0, true);
            slots[0] = shared;
        }
        return shared;
    }

    /** Gives up a slot (for tests and for threads that know they are done); it keeps its units. */
    public void release(Slot s) {
        slotsLock.lock();
        try {
            if (!s.shared) {
                s.owner = null;
            }
        } finally {
            slotsLock.unlock();
        }
    }

    /**
     * Lets go of the threads of slots whose thread has ended, so that the journal does not keep them alive; a
     * later {@link #claim} reuses those slots as before, with the units they hold.
     */
    public void releaseEnded() {
        slotsLock.lock();
        try {
            for (int i = 1; i < SLOTS; i++) {
                Slot s = slots[i];
                if (s != null) {
                    Thread owner = s.owner;
                    if (owner != null && !owner.isAlive()) {
                        s.owner = null;
                    }
                }
            }
        } finally {
            slotsLock.unlock();
        }
    }

    /** Units used: the adjustment plus every slot, as far as this thread can see them now. */
    public long used() {
        long sum = stateNow().adjust;
        for (int i = 0; i < SLOTS; i++) {
            sum += map.getLong(SLOTS_AT + i * STRIDE);
        }
        return sum;
    }

    /** The last state written. */
    public synchronized JournalState state() {
        return state;
    }

    private synchronized JournalState stateNow() {
        return state;
    }

    /** Writes {@code next} as the new state, replacing the older of the two records. */
    public synchronized void state(JournalState next) {
        write(next);
    }

    /** Forces the mapped file to disk (for the fsync policy); never throws. */
    public void force() {
        try {
            map.force();
        } catch (RuntimeException ignored) {
            // Closed meanwhile; nothing more can be written anyway.
        }
    }

    /** Releases the lock and the file; the units stay in the file for whoever adopts it. */
    @Override
    public synchronized void close() {
        try {
            lock.release();
        } catch (IOException | RuntimeException ignored) {
            // The channel closes below, which releases the lock too.
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing is buffered: the mapping wrote through the page cache.
        }
    }

    /** Closes and deletes the file: for a journal whose every unit is accounted for by the backend. */
    public synchronized void delete() throws IOException {
        // Delete while still holding the lock, so no other process adopts a file that is going away.
        Files.deleteIfExists(path);
        close();
    }

    @Override
    public String toString() {
        return "journal " + path.getFileName();
    }

    private void write(JournalState s) {
        long seq = state == null ? 1 : state.seq + 1;
        ByteBuffer b = ByteBuffer.wrap(record);
        b.putInt(STATE_MAGIC).putLong(seq).putLong(s.granted).putLong(s.confirmed).putLong(s.adjust)
                .putInt(s.pending == null ? 0 : s.pending.ordinal() + 1).putLong(s.pendingUnits)
                .putLong(s.pendingBefore).putLong(s.absorbing).putLong(s.lastSync);
        crc.reset();
        crc.update(record, 0, STATE_SIZE - 4);
        b.putInt(STATE_SIZE - 4, (int) crc.getValue());
        int at = STATE_AT + (int) (seq & 1) * STATE_SIZE;
        for (int i = 0; i < STATE_SIZE; i++) {
            map.put(at + i, record[i]);
        }
        state = s.withSeq(seq);
    }

    /** The newer readable state record of a journal's bytes ({@code from}: its mapping, or a copy of the file). */
    static JournalState readState(ByteBuffer from, Path path, byte[] record, CRC32 crc) throws CorruptException {
        JournalState a = readState(from, STATE_AT, record, crc);
        JournalState b = readState(from, STATE_AT + STATE_SIZE, record, crc);
        if (a == null && b == null) {
            throw new CorruptException("journal " + path + " has no readable state record; it was left as it is");
        }
        return a == null ? b : b == null ? a : a.seq > b.seq ? a : b;
    }

    private static JournalState readState(ByteBuffer from, int at, byte[] record, CRC32 crc) {
        for (int i = 0; i < STATE_SIZE; i++) {
            record[i] = from.get(at + i);
        }
        ByteBuffer b = ByteBuffer.wrap(record);
        if (b.getInt(0) != STATE_MAGIC) {
            return null;
        }
        crc.reset();
        crc.update(record, 0, STATE_SIZE - 4);
        if ((int) crc.getValue() != b.getInt(STATE_SIZE - 4)) {
            return null;
        }
        b.position(4);
        long seq = b.getLong();
        long granted = b.getLong();
        long confirmed = b.getLong();
        long adjust = b.getLong();
        int op = b.getInt();
        long pendingUnits = b.getLong();
        long pendingBefore = b.getLong();
        long absorbing = b.getLong();
        long lastSync = b.getLong();
        JournalState.Op pending = op == 0 || op > JournalState.Op.values().length ? null : JournalState.Op.values()[op - 1];
        return new JournalState(seq, granted, confirmed, adjust, pending, pendingUnits, pendingBefore, absorbing, lastSync);
    }

    /**
     * One thread's share of the units used, cumulative: a call adds, a refund subtracts. Only its owning
     * thread writes it, except the shared slot, which is locked.
     */
    public static final class Slot {
        private final Journal journal;
        /** The journal's mapping, here too so that a call's store is one dependent load nearer. */
        private final MappedByteBuffer map;
        private final int offset;
        private final boolean shared;
        /** Taken by every add to the shared slot; a lock, so that a virtual thread waiting for it keeps its carrier. */
        final ReentrantLock sharedLock;
        volatile Thread owner;
        private long value;

        Slot(Journal journal, int index, boolean shared) {
            this.journal = journal;
            this.map = journal.map;
            this.offset = SLOTS_AT + index * STRIDE;
            this.shared = shared;
            this.sharedLock = shared ? new ReentrantLock() : null;
            this.value = journal.map.getLong(offset);
        }

        /** Records {@code units} used (negative: given back). No system call unless {@code fsync: always}. */
        public void add(long units) {
            Journal j = journal;
            if (shared || j.forceEachCall) {
                addSlowly(units);
                return;
            }
            long v = value + units;
            value = v;
            map.putLong(offset, v);
        }

        private void addSlowly(long units) {
            if (shared) {
                sharedLock.lock();
                try {
                    value += units;
                    journal.map.putLong(offset, value);
                } finally {
                    sharedLock.unlock();
                }
            } else {
                value += units;
                journal.map.putLong(offset, value);
            }
            if (journal.forceEachCall) {
                journal.force();
            }
        }

        /** The journal this slot belongs to. */
        public Journal journal() {
            return journal;
        }
    }
}
