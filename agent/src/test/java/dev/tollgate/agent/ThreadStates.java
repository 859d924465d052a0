package dev.tollgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * How a thread waits for another: for tests that a step callers may wait for is guarded by a
 * {@code java.util.concurrent} lock ({@code WAITING}: a virtual thread leaves its carrier) rather than a monitor
 * ({@code BLOCKED}: on JDK 21-23 a virtual thread pins its carrier).
 *
 * <pre>{@code
 * assertThat(ThreadStates.waiterWhileHeld(holder, started, waiter, release)).isEqualTo(Thread.State.WAITING);
 * }</pre>
 */
public final class ThreadStates {

    private ThreadStates() {
    }

    /**
     * Runs {@code holder} on a thread until it is inside the step that counts {@code started} down, then runs
     * {@code waiter} on another and answers its state once it waits; then lets the step go ({@code release}) and
     * waits for both to end.
     */
    public static Thread.State waiterWhileHeld(Runnable holder, CountDownLatch started, Runnable waiter,
            CountDownLatch release) throws InterruptedException {
        Thread h = new Thread(holder);
        h.start();
        try {
            assertThat(started.await(10, TimeUnit.SECONDS)).as("the holder is inside the step").isTrue();
            Thread w = new Thread(waiter);
            w.start();
            Thread.State state = onceWaiting(w);
            release.countDown();
            w.join();
            return state;
        } finally {
            release.countDown();
            h.join();
        }
    }

    /** {@code t}'s state once it waits, parked or blocked on a monitor (or whatever it is after 10 s). */
    public static Thread.State onceWaiting(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Thread.State state = t.getState();
        while (state != Thread.State.WAITING && state != Thread.State.BLOCKED && System.nanoTime() < deadline) {
            Thread.sleep(1);
            state = t.getState();
        }
        return state;
    }

    /** A holder for {@link #waiterWhileHeld}: takes {@code lock}, says so ({@code holding}), keeps it until {@code release}. */
    public static Runnable holding(Lock lock, CountDownLatch holding, CountDownLatch release) {
        return () -> {
            lock.lock();
            try {
                holding.countDown();
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        };
    }
}
