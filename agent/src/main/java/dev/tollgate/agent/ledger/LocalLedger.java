package dev.tollgate.agent.ledger;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.backend.Grants;
import dev.tollgate.agent.backend.Outcome;

/**
 * The embedded {@code local} backend: counters in files under one folder, so a product runs with no
 * server at all. Exact under any number of threads and JVMs sharing the folder, and safe against
 * kill -9 (see {@link CounterFile}).
 *
 * <pre>{@code
 * Backend ledger = new LocalLedger(Paths.get("/var/lib/acme/tollgate"), Collections.singletonMap("export", 1000L));
 * ledger.take("export", 1, 0);   // GRANTED, value 999
 * }</pre>
 *
 * <p>A credits counter that has never been written starts at its opening balance ({@code local.credits});
 * a usage counter starts at 0. A corrupt or unreadable counter is reported as
 * {@link Outcome.Status#MISCONFIGURED} and never reset. Every counter is also recorded in the ledger's witness,
 * under the user's home ({@link #witnessDir()}), so that deleting, emptying, damaging or putting back an older
 * copy of a counter file gives nothing back: its feature is denied with one line that says what was found.
 * Credits beyond the opening balance come only as top-ups signed by the vendor ({@link #acceptTopUps}).
 */
public final class LocalLedger implements Backend, Grants {

    private static final String SUFFIX = ".counter";

    private final Path dir;
    private final Map<String, Long> openingCredits;
    private final Map<String, CounterFile> open = new ConcurrentHashMap<>();
    /**
     * Held while a counter's file is opened the first time, so that it is opened once. A lock rather than a
     * monitor: the first calls of a feature on several virtual threads wait here while the file is read, and on
     * JDK 21-23 waiting for a monitor pins the carrier.
     */
    final ReentrantLock opening = new ReentrantLock();
    private final Path journalDir;
    private final Path witnessRoot;
    private final Path witnessDir;
    private volatile boolean forceWrites;
    private volatile TopUps topUps;

    public LocalLedger(Path dir, Map<String, Long> openingCredits) {
        this(dir, openingCredits, dir.resolve("journal"));
    }

    /** @param journalDir where journaling features keep their journals ({@code journal.dir}) */
    public LocalLedger(Path dir, Map<String, Long> openingCredits, Path journalDir) {
        this(dir, openingCredits, journalDir, Witness.defaultRoot());
    }

    /**
     * @param witnessRoot the folder under which each ledger keeps its witness ({@code ~/.tollgate/witness}); the
     *     ledger's own is a sub-folder named by a hash of {@code dir}
     */
    public LocalLedger(Path dir, Map<String, Long> openingCredits, Path journalDir, Path witnessRoot) {
        this.dir = dir;
        this.journalDir = journalDir;
        this.witnessRoot = witnessRoot;
        this.witnessDir = Witness.dirFor(witnessRoot, dir);
        this.openingCredits = Collections.unmodifiableMap(new java.util.HashMap<>(openingCredits));
    }

    /**
     * Takes the vendor's signed top-ups from {@code <dir>/grants/} now, and again at most every few seconds when a
     * counter is stepped or read (a lease, a flush, a strict call, a balance): see {@link TopUps}.
     *
     * @param customer this install's customer ({@code local.customer}), or {@code null}
     * @param creditsCounters each credits feature's counter, by feature name
     */
    public void acceptTopUps(String customer, Map<String, String> creditsCounters) {
        acceptTopUps(customer, creditsCounters, ClassLoader.getSystemClassLoader());
    }

    /** As {@link #acceptTopUps(String, Map)}, with the vendor's key looked up on {@code keys}. */
    void acceptTopUps(String customer, Map<String, String> creditsCounters, ClassLoader keys) {
        TopUps t = new TopUps(this, customer, creditsCounters, keys);
        topUps = t;
        t.look();
    }

    /** The folder of this ledger's witness, away from {@link #dir()}. */
    public Path witnessDir() {
        return witnessDir;
    }

    Path witnessRoot() {
        return witnessRoot;
    }

    @Override
    public Outcome take(String counter, long units, long lowerBound) {
        return step(counter, new Op(Op.TAKE, CounterKind.CREDITS, units, lowerBound, 0, false));
    }

    @Override
    public Outcome add(String counter, long units, long cap) {
        return step(counter, new Op(Op.ADD, CounterKind.USAGE, units, cap, 0, false));
    }

    @Override
    public Outcome refund(String counter, long units, boolean credits) {
        return step(counter, new Op(Op.GIVE_BACK, kind(credits), units, 0, 0, false));
    }

    @Override
    public Outcome reserve(Counter counter, long journal, long want, long least) {
        return step(counter.name(), new Op(Op.RESERVE, kind(counter.credits()), want, counter.bound(), journal, false)
                .least(least));
    }

    @Override
    public Outcome open(Counter counter, long journal) {
        return step(counter.name(), new Op(Op.OPEN, kind(counter.credits()), 0, 0, journal, false));
    }

    @Override
    public Outcome confirm(Counter counter, long journal, long used, boolean settle) {
        return step(counter.name(), new Op(Op.CONFIRM, kind(counter.credits()), used, 0, journal, settle));
    }

    @Override
    public void force(String counter) {
        CounterFile f = open.get(counter);
        if (f != null) {
            try {
                f.force();
            } catch (IOException ignored) {
                // Closed meanwhile (then its writes went through the channel) or a failing disk, which the next step reports.
            }
        }
    }

    @Override
    public Path journalDir() {
        return journalDir;
    }

    /** This ledger records grants with its counters: journaled features reserve and settle in one step each. */
    @Override
    public Grants grants() {
        return this;
    }

    /** Forces every counter write to disk before it returns ({@code journal.fsync: always}). */
    public void forceWrites(boolean on) {
        this.forceWrites = on;
        for (CounterFile f : open.values()) {
            f.forceWrites(on);
        }
    }

    private static CounterKind kind(boolean credits) {
        return credits ? CounterKind.CREDITS : CounterKind.USAGE;
    }

    @Override
    public Outcome read(String counter) {
        return step(counter, new Op(Op.READ, null, 0, 0, 0, false));
    }

    @Override
    public String describe() {
        return "local ledger in " + dir;
    }

    /** The folder that holds the counters. */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        for (CounterFile f : open.values()) {
            try {
                f.close();
            } catch (IOException ignored) {
                // Nothing is buffered: every step was written before it returned.
            }
        }
        open.clear();
    }

    /**
     * One operation on a counter's file. A plain class rather than lambdas: the first lambda of a JVM costs
     * milliseconds of method-handle set-up, paid at a product's first metered call.
     */
    private static final class Op {
        static final int TAKE = 0, ADD = 1, GIVE_BACK = 2, RESERVE = 3, OPEN = 4, CONFIRM = 5, READ = 6;

        final int what;
        final CounterKind kind;
        final long units;
        final long bound;
        final long journal;
        final boolean settle;
        long least;

        Op(int what, CounterKind kind, long units, long bound, long journal, boolean settle) {
            this.what = what;
            this.kind = kind;
            this.units = units;
            this.bound = bound;
            this.journal = journal;
            this.settle = settle;
        }

        Op least(long l) {
            this.least = l;
            return this;
        }

        Outcome on(CounterFile f) throws IOException {
            switch (what) {
                case TAKE:
                    return stepped(f.take(units, bound));
                case ADD:
                    return stepped(f.add(units, bound));
                case GIVE_BACK:
                    return stepped(f.giveBack(units, kind));
                case RESERVE:
                    Step s = f.reserve(kind, journal, units, least, bound);
                    return s.applied ? Outcome.granted(s.value) : Outcome.boundReached(s.value);
                case OPEN:
                    f.open(kind, journal);
                    return Outcome.granted(0);
                case CONFIRM:
                    return stepped(f.confirm(kind, journal, units, settle));
                case READ:
                default:
                    return Outcome.granted(f.read());
            }
        }
    }

    private static Outcome stepped(Step s) {
        return s.applied ? Outcome.granted(s.value) : Outcome.boundReached(s.value);
    }

    /**
     * Runs {@code op} on the counter's file. A file channel closes itself when the thread using it is
     * interrupted, which would break the counter for every thread until a restart: the caller's interrupt is
     * set aside during the step and restored after it, and a file found closed is opened again.
     */
    private Outcome step(String counter, Op op) {
        boolean interrupted = Thread.interrupted();
        TopUps t = topUps;
        if (t != null && op.what != Op.OPEN && op.what != Op.CONFIRM && op.what != Op.GIVE_BACK) {
            t.lookNowAndThen();
        }
        try {
            for (int attempt = 0; ; attempt++) {
                CounterFile f = null;
                try {
                    f = file(counter);
                    return op.on(f);
                } catch (IOException | RuntimeException e) {
                    if (f != null && !f.isOpen()) {
                        forget(counter, f);
                        // Exactly ClosedChannelException: closed before this step began, so nothing was written.
                        if (attempt == 0 && e.getClass() == ClosedChannelException.class) {
                            continue;
                        }
                    }
                    return failure(counter, e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void forget(String counter, CounterFile f) {
        open.remove(counter, f);
        try {
            f.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    CounterFile file(String counter) throws IOException {
        CounterFile f = open.get(counter);
        if (f != null) {
            return f;
        }
        opening.lock();
        try {
            f = open.get(counter);
            if (f == null) {
                Files.createDirectories(dir);
                Long credits = openingCredits.get(counter);
                f = new CounterFile(pathOf(counter), credits == null ? 0 : credits,
                        new Witness(witnessDir.resolve(counter + Witness.SUFFIX)));
                f.forceWrites(forceWrites);
                open.put(counter, f);
            }
            return f;
        } finally {
            opening.unlock();
        }
    }

    private Path pathOf(String counter) {
        return dir.resolve(counter + SUFFIX);
    }

    private Outcome failure(String counter, Throwable e) {
        if (e instanceof CounterFile.CorruptException) {
            return Outcome.misconfigured(e.getMessage());
        }
        if (e instanceof AccessDeniedException) {
            return Outcome.misconfigured("ledger " + pathOf(counter) + " cannot be opened: permission denied; "
                    + "give the product's user read and write access to " + dir);
        }
        return Outcome.misconfigured("ledger " + pathOf(counter) + " cannot be used: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
}
