package dev.tollgate.agent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Which process holds a lock on a file, found without taking it: a journal is locked by the process that writes
 * it as long as that process lives, and {@code status} must never take a lock a running product needs. Linux lists
 * every lock in {@code /proc/locks} with the holder's pid and the file's device and inode; elsewhere the answer is
 * "unknown".
 *
 * <pre>{@code
 * LockHolders locks = LockHolders.read();
 * long pid = locks.holder(journalFile);   // > 0: that process holds it; NONE: nobody; UNKNOWN: cannot tell
 * }</pre>
 */
final class LockHolders {

    private static final Path PROC_LOCKS = Paths.get("/proc/locks");
    /** {@link #holder}: no process holds a lock on the file. */
    static final long NONE = 0;
    /** {@link #holder}: this system does not tell (no lock list, or a file system without inode numbers). */
    static final long UNKNOWN = -1;

    /** One lock: holder pid, device major and minor, inode. */
    private static final class Lock {
        final long pid;
        final int major;
        final int minor;
        final long inode;

        Lock(long pid, int major, int minor, long inode) {
            this.pid = pid;
            this.major = major;
            this.minor = minor;
            this.inode = inode;
        }
    }

    private final List<Lock> locks;

    private LockHolders(List<Lock> locks) {
        this.locks = locks;
    }

    /** The locks held now; unknown where {@code /proc/locks} cannot be read. */
    static LockHolders read() {
        try {
            return parse(new String(Files.readAllBytes(PROC_LOCKS), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return unknown();
        }
    }

    /** No lock list: every {@link #holder} is {@link #UNKNOWN}. */
    static LockHolders unknown() {
        return new LockHolders(null);
    }

    /**
     * Parses the text of {@code /proc/locks}: {@code 1: POSIX  ADVISORY  WRITE 4242 fd:01:1234567 0 EOF}; lines of
     * processes waiting for a lock ({@code ->}) hold nothing and are skipped.
     */
    static LockHolders parse(String text) {
        List<Lock> found = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || f[1].equals("->")) {
                continue;
            }
            String[] dev = f[5].split(":");
            try {
                found.add(new Lock(Long.parseLong(f[4]), Integer.parseInt(dev[0], 16), Integer.parseInt(dev[1], 16),
                        Long.parseLong(dev[2])));
            } catch (RuntimeException e) {
                // a line of another shape: not a lock this reader understands
            }
        }
        return new LockHolders(found);
    }

    /** Whether this system lists its locks; when not, {@link #holder} cannot tell. */
    boolean known() {
        return locks != null;
    }

    /**
     * The pid of a process holding a lock on {@code file}, {@link #NONE} or {@link #UNKNOWN}. Matched by inode, and
     * by device where the file system reports the same device as the lock list.
     */
    long holder(Path file) {
        if (locks == null) {
            return UNKNOWN;
        }
        long inode;
        Long device;
        try {
            inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
            Object dev = Files.getAttribute(file, "unix:dev");
            device = dev instanceof Number ? ((Number) dev).longValue() : null;
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
        long byInode = NONE;
        for (Lock l : locks) {
            if (l.inode != inode || l.pid <= 0) {
                continue;
            }
            if (device != null && l.major == major(device) && l.minor == minor(device)) {
                return l.pid;
            }
            byInode = l.pid;
        }
        return byInode;
    }

    /** The major number of a Linux {@code dev_t} (glibc's encoding). */
    static int major(long dev) {
        return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
    }

    /** The minor number of a Linux {@code dev_t}. */
    static int minor(long dev) {
        return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
    }
}
