package dev.tollgate.agent.meter;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * An atomic long alone on its cache line. Threads that compare-and-set it on every metered call would
 * otherwise also slow down every read of whatever the allocator put next to it. The value is a field of
 * this object (one load from the owner to reach it, where an {@code AtomicLongArray} needs two), with 56
 * bytes of padding on each side: fields of a superclass are laid out before those of its subclass, so the
 * JVM cannot move the padding away from the value.
 */
final class PaddedLong extends PaddedLongValue {

    private static final AtomicLongFieldUpdater<PaddedLongValue> VALUE =
            AtomicLongFieldUpdater.newUpdater(PaddedLongValue.class, "value");

    long q1, q2, q3, q4, q5, q6, q7;

    long get() {
        return value;
    }

    void set(long v) {
        value = v;
    }

    boolean compareAndSet(long expected, long v) {
        return VALUE.compareAndSet(this, expected, v);
    }

    long addAndGet(long delta) {
        return VALUE.addAndGet(this, delta);
    }
}

/** {@link PaddedLong}'s padding before the value. */
abstract class PaddedLongBefore {
    long p1, p2, p3, p4, p5, p6, p7;
}

/** {@link PaddedLong}'s value, after the padding of {@link PaddedLongBefore}. */
abstract class PaddedLongValue extends PaddedLongBefore {
    volatile long value;
}
