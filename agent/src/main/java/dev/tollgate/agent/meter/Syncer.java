package dev.tollgate.agent.meter;

import java.util.concurrent.CopyOnWriteArrayList;

import dev.tollgate.agent.log.Log;

/**
 * The one background thread of journaled features: every tick it lets each {@link JournaledCharge} confirm what it
 * served (every {@code flushEvery}, or sooner past {@code flushUnits}), get more units before calls would
 * wait, and force its journal to disk under {@code fsync: interval}. A daemon thread, started by the first
 * journal and stopped at shutdown after a last round.
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
     * Stops the thread, waiting for the round in progress. Not by interrupting it: an interrupt during a
     * file step would close the ledger's channel under it.
     */
    synchronized void stop() {
        stopping = true;
        synchronized (tick) {
            tick.notifyAll();
        }
        Thread t = thread;
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
        }
    }
}
