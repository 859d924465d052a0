package dev.tollgate.agent.meter;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Outcome;

/**
 * A backend with plain counters in memory, like Cryptolens without grants, whose next steps can be made to
 * fail: unreachable, or answered with a lost reply after or before being applied.
 */
final class FakeCounters implements Backend {

    enum Fault { DOWN, LOST_AFTER_APPLYING, LOST_BEFORE_APPLYING, OTHERS_FIRST }

    private final Map<String, Long> values = new HashMap<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private volatile boolean down;
    /** Taken by "another process" while the next lost answer is outstanding. */
    private long othersTake;
    final AtomicInteger takes = new AtomicInteger();
    final AtomicInteger adds = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();
    /** Counted down when a take starts. */
    final CountDownLatch taking = new CountDownLatch(1);
    /** When set, each take waits for it before it is answered, as a slow network would. */
    volatile CountDownLatch holdTakes;

    synchronized FakeCounters set(String counter, long value) {
        values.put(counter, value);
        return this;
    }

    synchronized long value(String counter) {
        return values.getOrDefault(counter, 0L);
    }

    /** The next take or add fails this way. */
    synchronized FakeCounters fail(Fault f) {
        faults.add(f);
        return this;
    }

    /** While the next lost answer is outstanding, another process takes {@code units} from the same counter. */
    synchronized FakeCounters othersTake(long units) {
        othersTake = units;
        return this;
    }

    /** Reads of this counter throw, as an internal error would; null: none. */
    volatile String readsThrow;

    /** Every step, reads included, fails as unreachable until set back. */
    void down(boolean d) {
        down = d;
    }

    @Override
    public synchronized Outcome take(String counter, long units, long lowerBound) {
        takes.incrementAndGet();
        taking.countDown();
        CountDownLatch hold = holdTakes;
        try {
            if (hold != null && !hold.await(10, TimeUnit.SECONDS)) {
                return Outcome.unavailable("the test never let the take go");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.unavailable("interrupted");
        }
        return step(counter, -units, lowerBound, Long.MAX_VALUE);
    }

    @Override
    public synchronized Outcome add(String counter, long units, long cap) {
        adds.incrementAndGet();
        return step(counter, units, Long.MIN_VALUE, cap);
    }

    private Outcome step(String counter, long delta, long low, long high) {
        if (down) {
            return Outcome.unavailable("connection refused");
        }
        Fault f = faults.poll();
        if (f == Fault.DOWN) {
            return Outcome.unavailable("connection refused");
        }
        if (f == Fault.OTHERS_FIRST) {
            meanwhile(counter); // another process's step lands between this one's read and its step
        }
        if (f == Fault.LOST_BEFORE_APPLYING) {
            meanwhile(counter);
            return Outcome.ambiguous("read timed out");
        }
        long next = value(counter) + delta;
        if (next < low || next > high) {
            return Outcome.boundReached(value(counter));
        }
        values.put(counter, next);
        if (f == Fault.LOST_AFTER_APPLYING) {
            meanwhile(counter);
            return Outcome.ambiguous("read timed out");
        }
        return Outcome.granted(Outcome.UNKNOWN);
    }

    private void meanwhile(String counter) {
        values.put(counter, value(counter) - othersTake);
        othersTake = 0;
    }

    @Override
    public synchronized Outcome read(String counter) {
        reads.incrementAndGet();
        if (counter.equals(readsThrow)) {
            throw new IllegalStateException("reading " + counter + " failed");
        }
        return down ? Outcome.unavailable("connection refused") : Outcome.granted(value(counter));
    }

    @Override
    public String describe() {
        return "fake counters";
    }

    @Override
    public void close() {
    }
}
