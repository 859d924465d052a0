package dev.tollgate.agent.meter;

import java.util.concurrent.CopyOnWriteArrayList;

import dev.tollgate.agent.log.Log;

/**
 * The one background thread of journaled features: every tick it lets each {@link JournaledCharge} confirm what it
 * served (every {@code flushEvery}, or sooner past {@code flushUnits}), get more units before calls would
 * wait, and force its journal to disk under {@code fsync: interval}. A daemon thread, started by the first
 * journal (or the first task run {@linkplain #once once}) and stopped at shutdown after a last round.
 */
final class Syncer implements Runnable {

    /** How often the thread looks; flush intervals shorter than this are rounded up to it. */
    static final long TICK_MILLIS = 50;

    /** What the sync thread runs every tick. */
    interface Task {
        /** One round; never blocks for long without a timeout, and never throws on purpose. */
        void sync(long now);
    }

    private final CopyOnWriteArrayList<Task> watched = new CopyOnWriteArrayList<>();
    private final Object tick = new Object();
    private Thread thread;
    private volatile boolean stopping;

    synchronized void watch(Task a) {
        watched.add(a);
        if (thread == null && !stopping) {
            thread = new Thread(this, "tollgate-sync");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Runs {@code task} once on the sync thread, at the first tick {@code delayMillis} from now or later; not at
     * all when the thread stops first.
     */
    void once(long delayMillis, Runnable task) {
        watch(new Once(System.currentTimeMillis() + delayMillis, task));
    }

    /**
     * Stops the thread, waiting for the round in progress. Not by interrupting it: an interrupt during a
     * file step would close the ledger's channel under it. Not holding this object's monitor while it waits:
     * a thread with nothing watched takes it to end ({@link #idle}).
     */
    void stop() {
        Thread t;
        synchronized (this) {
            stopping = true;
            t = thread;
        }
        synchronized (tick) {
            tick.notifyAll();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        while (!stopping) {
            synchronized (tick) {
                try {
                    tick.wait(TICK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            long now = System.currentTimeMillis();
            for (Task a : watched) {
                if (stopping) {
                    return;
                }
                try {
                    a.sync(now);
                } catch (Throwable t) {
                    Log.errorOnce("sync:" + t.getClass().getName(), "internal error while syncing " + a + ": " + t);
                }
            }
            if (watched.isEmpty() && idle()) {
                return;
            }
        }
    }

    /**
     * Whether the thread may end because nothing is watched (a task run {@linkplain #once once} found no journal to
     * open): then the next {@link #watch} starts another, rather than this one waking every tick for nothing.
     */
    private synchronized boolean idle() {
        if (!watched.isEmpty()) {
            return false;
        }
        thread = null;
        return true;
    }

    /** A task of {@link #once}: leaves the watched list at its first due tick, then runs. */
    private final class Once implements Task {
        private final long due;
        private final Runnable task;

        Once(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        @Override
        public void sync(long now) {
            if (now >= due && watched.remove(this)) {
                task.run();
            }
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }
}
