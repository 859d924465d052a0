package dev.tollgate.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A journal as it is on disk now, read for showing it ({@code status}): the file is opened read-only, copied,
 * and never locked or mapped, so the process that owns it (or the next one, adopting it) never waits. Whether
 * that process still runs is not in the file: its lock says so, which a reader must not take.
 *
 * <pre>{@code
 * for (JournalSnapshot j : JournalSnapshot.of(journalDir, "export")) {
 *     long notConfirmed = j.used() - j.state().confirmed;
 * }
 * }</pre>
 */
public final class JournalSnapshot {

    private final Path path;
    private final long id;
    private final boolean credits;
    private final long used;
    private final JournalState state;
    private final String problem;

    private JournalSnapshot(Path path, long id, boolean credits, long used, JournalState state, String problem) {
        this.path = path;
        this.id = id;
        this.credits = credits;
        this.used = used;
        this.state = state;
        this.problem = problem;
    }

    /** The journals of {@code counter} in {@code dir}, each read or, when it cannot be, with its {@link #problem}. */
    public static List<JournalSnapshot> of(Path dir, String counter) throws IOException {
        List<JournalSnapshot> all = new ArrayList<>();
        for (Path p : Journal.of(dir, counter, null)) {
            all.add(read(p));
        }
        return all;
    }

    /** Reads one journal file; a file that is not a readable journal gives a snapshot with a {@link #problem}. */
    public static JournalSnapshot read(Path path) {
        ByteBuffer copy = ByteBuffer.allocate(Journal.SIZE);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            if (channel.size() != Journal.SIZE) {
                return broken(path, "is " + channel.size() + " bytes, not " + Journal.SIZE);
            }
            while (copy.hasRemaining() && channel.read(copy, copy.position()) >= 0) {
                // read the whole file
            }
        } catch (IOException e) {
            return broken(path, "cannot be read: " + e);
        }
        if (copy.getInt(0) != Journal.MAGIC || copy.getInt(4) != 1) {
            return broken(path, "is not a Tollgate journal");
        }
        JournalState state;
        try {
            state = Journal.readState(copy, path, new byte[Journal.STATE_SIZE], new CRC32());
        } catch (Journal.CorruptException e) {
            return broken(path, "has no readable state record");
        }
        long used = state.adjust;
        for (int i = 0; i < Journal.SLOTS; i++) {
            used += copy.getLong(Journal.SLOTS_AT + i * Journal.STRIDE);
        }
        return new JournalSnapshot(path, copy.getLong(8), copy.getInt(16) == 1, used, state, null);
    }

    private static JournalSnapshot broken(Path path, String why) {
        return new JournalSnapshot(path, 0, false, 0, null, "journal " + path + " " + why);
    }

    public Path path() {
        return path;
    }

    /** The journal's id, as in the local ledger's grants. */
    public long id() {
        return id;
    }

    /** Whether it journals credits (else usage). */
    public boolean credits() {
        return credits;
    }

    /** Units its process(es) served: every slot plus the adjustment. */
    public long used() {
        return used;
    }

    /** What it knows besides the slots (granted, confirmed, a pending step, the last sync); null with a problem. */
    public JournalState state() {
        return state;
    }

    /** Why the file could not be read, or null. */
    public String problem() {
        return problem;
    }
}
