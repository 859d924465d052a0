package dev.tollgate.agent.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A counter of the local ledger as it is on disk now, read for showing it ({@code status}) beside products that
 * use it: the file is opened read-only and no lock is taken, so a running product never waits for the reader.
 * The file holds two checksummed records written in turn; a record being written fails its checksum and the
 * previous one is read instead.
 *
 * <pre>{@code
 * CounterSnapshot c = CounterSnapshot.read(CounterSnapshot.file(ledgerDir, "export"));
 * c.value();      // 997
 * c.grants();     // what each journaling process holds
 * }</pre>
 */
public final class CounterSnapshot {

    /** The suffix of a counter's file in the ledger folder. */
    public static final String SUFFIX = ".counter";

    private final Path path;
    private final long value;
    private final Boolean credits;
    private final List<Held> grants;
    private final boolean empty;

    CounterSnapshot(Path path, long value, Boolean credits, CounterFile.Grant[] grants, boolean empty) {
        this.path = path;
        this.value = value;
        this.credits = credits;
        List<Held> held = new ArrayList<>(grants.length);
        for (CounterFile.Grant g : grants) {
            held.add(new Held(g.journal, g.reserved, g.confirmed));
        }
        this.grants = Collections.unmodifiableList(held);
        this.empty = empty;
    }

    /** The file of {@code counter} in the ledger folder {@code dir}. */
    public static Path file(Path dir, String counter) {
        return dir.resolve(counter + SUFFIX);
    }

    /**
     * Reads the counter at {@code file}, which must exist. Read again when both records failed their checksums
     * (two writes during one read), and reported corrupt only when they keep failing.
     *
     * @throws java.nio.file.NoSuchFileException when there is no such file
     * @throws IOException when it cannot be read, or is not a Tollgate counter (the message says which file)
     */
    public static CounterSnapshot read(Path file) throws IOException {
        try (CounterFile f = CounterFile.readOnly(file)) {
            for (int attempt = 1; ; attempt++) {
                try {
                    return f.peek();
                } catch (CounterFile.CorruptException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        }
    }

    public Path path() {
        return path;
    }

    /** The counter's value: credits left (grants not yet used included), or usage recorded. */
    public long value() {
        return value;
    }

    /** Whether the file holds a credits counter, a usage counter, or (null) has never been written. */
    public Boolean credits() {
        return credits;
    }

    /** True when the file was created and never written: the counter still has its opening value. */
    public boolean neverWritten() {
        return empty;
    }

    /** What each journaling process that shares the counter holds. */
    public List<Held> grants() {
        return grants;
    }

    /** The grant of the journal with this id, or null when it has none (settled, or never reserved). */
    public Held grantOf(long journal) {
        for (Held g : grants) {
            if (g.journal == journal) {
                return g;
            }
        }
        return null;
    }

    /**
     * One journal's grant: units {@code reserved} for it (credits taken, or room kept under a cap) and, of what it
     * used, how much is {@code confirmed} (already in the value).
     */
    public static final class Held {
        private final long journal;
        private final long reserved;
        private final long confirmed;

        Held(long journal, long reserved, long confirmed) {
            this.journal = journal;
            this.reserved = reserved;
            this.confirmed = confirmed;
        }

        public long journal() {
            return journal;
        }

        public long reserved() {
            return reserved;
        }

        public long confirmed() {
            return confirmed;
        }
    }
}
