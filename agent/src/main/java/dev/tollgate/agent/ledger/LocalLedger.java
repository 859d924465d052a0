package dev.tollgate.agent.ledger;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.tollgate.agent.backend.Backend;
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
 * {@link Outcome.Status#MISCONFIGURED} and never reset.
 */
public final class LocalLedger implements Backend, Grants {

    private static final String SUFFIX = ".counter";

    private final Path dir;
    private final Map<String, Long> openingCredits;
    private final Map<String, CounterFile> open = new ConcurrentHashMap<>();
    private final Path journalDir;
    private volatile boolean forceWrites;

    public LocalLedger(Path dir, Map<String, Long> openingCredits) {
        this(dir, openingCredits, dir.resolve("journal"));
    }

    /** @param journalDir where journaling features keep their journals ({@code journal.dir}) */
    public LocalLedger(Path dir, Map<String, Long> openingCredits, Path journalDir) {
        this.dir = dir;
        this.journalDir = journalDir;
        this.openingCredits = Collections.unmodifiableMap(new java.util.HashMap<>(openingCredits));
    }

    @Override
    public Outcome take(String counter, long units, long lowerBound) {
        return step(counter, f -> stepped(f.take(units, lowerBound)));
    }

    @Override
    public Outcome add(String counter, long units, long cap) {
        return step(counter, f -> stepped(f.add(units, cap)));
    }

    @Override
    public Outcome refund(String counter, long units, boolean credits) {
        CounterFile.Kind kind = credits ? CounterFile.Kind.CREDITS : CounterFile.Kind.USAGE;
        return step(counter, f -> stepped(f.giveBack(units, kind)));
    }

    @Override
    public Outcome reserve(String counter, boolean credits, long journal, long want, long least, long bound) {
        return step(counter, f -> {
            CounterFile.Step s = f.reserve(kind(credits), journal, want, least, bound);
            return s.applied ? Outcome.granted(s.value) : Outcome.boundReached(s.value);
        });
    }

    @Override
    public Outcome open(String counter, boolean credits, long journal) {
        return step(counter, f -> {
            f.open(kind(credits), journal);
            return Outcome.granted(0);
        });
    }

    @Override
    public Outcome confirm(String counter, boolean credits, long journal, long used, boolean settle) {
        return step(counter, f -> stepped(f.confirm(kind(credits), journal, used, settle)));
    }

    @Override
    public Path journalDir() {
        return journalDir;
    }

    /** Forces every counter write to disk before it returns ({@code journal.fsync} other than never). */
    public void forceWrites(boolean on) {
        this.forceWrites = on;
        for (CounterFile f : open.values()) {
            f.forceWrites(on);
        }
    }

    private static CounterFile.Kind kind(boolean credits) {
        return credits ? CounterFile.Kind.CREDITS : CounterFile.Kind.USAGE;
    }

    @Override
    public Outcome read(String counter) {
        return step(counter, f -> Outcome.granted(f.read()));
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

    /** One operation on a counter's file. */
    private interface Op {
        Outcome on(CounterFile f) throws IOException;
    }

    private static Outcome stepped(CounterFile.Step s) {
        return s.applied ? Outcome.granted(s.value) : Outcome.boundReached(s.value);
    }

    /**
     * Runs {@code op} on the counter's file. A file channel closes itself when the thread using it is
     * interrupted, which would break the counter for every thread until a restart: the caller's interrupt is
     * set aside during the step and restored after it, and a file found closed is opened again.
     */
    private Outcome step(String counter, Op op) {
        boolean interrupted = Thread.interrupted();
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

    private CounterFile file(String counter) throws IOException {
        CounterFile f = open.get(counter);
        if (f != null) {
            return f;
        }
        synchronized (open) {
            f = open.get(counter);
            if (f == null) {
                Files.createDirectories(dir);
                Long opening = openingCredits.get(counter);
                f = new CounterFile(pathOf(counter), opening == null ? 0 : opening);
                f.forceWrites(forceWrites);
                open.put(counter, f);
            }
            return f;
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
