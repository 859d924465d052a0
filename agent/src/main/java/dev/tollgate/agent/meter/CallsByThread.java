package dev.tollgate.agent.meter;

/**
 * Each thread's {@link Metering.Calls} of one feature, found on every metered call.
 *
 * <p>A {@link ThreadLocal} holds them all. In front of it, a small table indexed by the thread's id holds the
 * {@code Calls} of the threads that use the feature, so that the common lookup is one array load and one
 * identity check: shorter than a {@code ThreadLocal}'s chain of loads (the thread's map, its table, the entry,
 * the entry's weak referent). The hot path ({@code Metering.enter}) reads the table itself, which each site holds.
 *
 * <p>A thread whose entry another thread holds keeps using the {@code ThreadLocal}: a thread only takes an
 * entry that is free, so two busy threads never overwrite each other's entry on every call. The identity
 * check makes a wrong entry harmless: it is never used by another thread.
 *
 * <p>Only journaled features, whose calls take nanoseconds, use the table; a strict feature's call takes a
 * backend step, so its threads stay in the {@code ThreadLocal} alone. An entry holds its thread; so that the
 * table does not keep ended threads (and their context class loaders) alive, and so that their entries are
 * free for new threads, the journaled feature's sync thread calls {@link #forgetEnded} every second.
 *
 * <pre>{@code
 * Thread me = Thread.currentThread();
 * Metering.Calls c = feature.calls.table[CallsByThread.index(me)];
 * if (c == null || c.owner != me) {
 *     c = feature.calls.get(me);
 * }
 * }</pre>
 */
final class CallsByThread {

    /** Entries in the table: a power of two. */
    static final int SIZE = 256;

    /**
     * The recent threads' calls, by {@link #index}. Written without a lock: {@link Metering.Calls#owner} is
     * final, so a thread that reads an entry sees its owner, and only the owner reads the rest.
     */
    final Metering.Calls[] table = new Metering.Calls[SIZE];
    private final ThreadLocal<Metering.Calls> all = new Metering.CallsOnThread();
    private final boolean tabled;

    /** @param tabled whether threads are put in the {@link #table}, else only in the thread local */
    CallsByThread(boolean tabled) {
        this.tabled = tabled;
    }

    /** Where {@code t}'s calls sit in {@link #table} when they are there. */
    @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() returns the same id
    static int index(Thread t) {
        return (int) t.getId() & (SIZE - 1);
    }

    /**
     * The calling thread's calls when {@link #table} did not have them: from the thread local, and put in the
     * table if their entry is free. An entry of a thread that ended is freed by {@link #forgetEnded}, not here:
     * {@code Thread.isAlive} is a native call up to JDK 18, too slow for a thread that misses on every call.
     *
     * @param me the calling thread
     */
    Metering.Calls get(Thread me) {
        Metering.Calls c = all.get();
        if (tabled) {
            int i = index(me);
            if (table[i] == null) {
                table[i] = c; // two threads racing here leave one of them to the thread local
            }
        }
        return c;
    }

    /**
     * Empties the entries of threads that have ended. Without a lock: a thread that puts itself in an entry
     * this empties at the same moment finds its calls in the thread local on its next call, and puts them back.
     *
     * @return the credits the ended threads had taken for calls they never made ({@link Metering.Calls#share}),
     *     for their process to hold again; safe to read, as a thread that ended writes nothing more
     */
    long forgetEnded() {
        long unspent = 0;
        for (int i = 0; i < SIZE; i++) {
            Metering.Calls c = table[i];
            if (c != null && !c.owner.isAlive()) {
                table[i] = null;
                unspent += c.share;
                c.share = 0;
            }
        }
        return unspent;
    }
}
