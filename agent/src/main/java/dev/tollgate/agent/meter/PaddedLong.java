package dev.tollgate.agent.meter;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An atomic long alone on its cache line. Threads that compare-and-set it on every metered call would
 * otherwise also slow down every read of whatever the allocator put next to it (an {@code AtomicLong} is
 * 16 bytes): here the value sits in the middle of a 192-byte array, at least 64 bytes from anything else.
 */
final class PaddedLong {

    private static final int AT = 8;
    private final AtomicLongArray cells = new AtomicLongArray(2 * AT + 8);

    long get() {
        return cells.get(AT);
    }

    void set(long value) {
        cells.set(AT, value);
    }

    boolean compareAndSet(long expected, long value) {
        return cells.compareAndSet(AT, expected, value);
    }

    long addAndGet(long delta) {
        return cells.addAndGet(AT, delta);
    }
}
