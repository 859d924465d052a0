package dev.tollgate.agent.config;

import java.nio.file.Path;

/**
 * {@code journal:}: where the units a backend has not confirmed yet are kept (leased credits not spent,
 * usage not sent), and how hard they are pushed to disk.
 *
 * <pre>{@code
 * journal:
 *   dir: /var/lib/acme/tollgate-journal   # default: <local.dir>/journal, or ~/.tollgate/journal for cryptolens
 *   fsync: interval                       # never | interval (default) | always
 *   fsyncEvery: 1s
 * }</pre>
 *
 * <p>Every policy survives kill -9 and a crash of the JVM: the journal is a memory-mapped file, and what a
 * call writes is in the operating system's page cache before the method runs. {@code fsync} is about power
 * loss and a crash of the operating system: {@code always} forces the journal to disk after every call (a
 * system call per call, tens of microseconds or more), {@code interval} at most {@code fsyncEvery} apart
 * (the loss window), {@code never} leaves it to the operating system.
 */
public final class JournalSettings {

    /** When the journal is forced to disk. */
    public enum Fsync { NEVER, INTERVAL, ALWAYS }

    public static final long DEFAULT_FSYNC_EVERY_MILLIS = 1_000;

    private final Path dir;
    private final Fsync fsync;
    private final long fsyncEveryMillis;

    /** @param dir the folder, or {@code null} for the backend's default */
    public JournalSettings(Path dir, Fsync fsync, long fsyncEveryMillis) {
        this.dir = dir;
        this.fsync = fsync;
        this.fsyncEveryMillis = fsyncEveryMillis;
    }

    /** The defaults: the backend's folder, {@code fsync: interval} every second. */
    public static JournalSettings defaults() {
        return new JournalSettings(null, Fsync.INTERVAL, DEFAULT_FSYNC_EVERY_MILLIS);
    }

    /** {@code journal.dir}, or {@code null} when not set (then the backend's default applies). */
    public Path dir() {
        return dir;
    }

    public Fsync fsync() {
        return fsync;
    }

    public long fsyncEveryMillis() {
        return fsyncEveryMillis;
    }
}
