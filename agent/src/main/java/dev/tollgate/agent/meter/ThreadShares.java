package dev.tollgate.agent.meter;

/**
 * How much a thread takes beyond its call when its share of what its process holds ({@link Metering.Calls#share},
 * credits) runs out: twice the last extra while its shares last it less than {@link #NANOS}, half when they last
 * it more than four times that, nothing until that size has grown past {@link #AFTER}, and nothing once the
 * backend gave less than was asked ({@code lean}). A thread in a tight loop soon comes back for a share only
 * about every millisecond; a thread that calls now and then, or a few times and ends, takes only what each call
 * needs. So a thread that stops calling keeps at most a few milliseconds of its own calls, which its next call
 * or its end gives back; they are never lost (they are in the journal).
 *
 * <pre>{@code
 * long extra = ThreadShares.next(calls, lean);
 * long taken = lacking + Math.min(extra, (left - lacking) / ThreadShares.OF_HELD);
 * }</pre>
 */
final class ThreadShares {

    /** A thread's share is at most 1/OF_HELD of what the process holds when it takes it. */
    static final long OF_HELD = 16;
    /** A thread's share is sized to last it about this long (1 ms) at the rate it calls. */
    static final long NANOS = 1_000_000;
    /**
     * A thread takes a share beyond its call only once its share size has grown to this: after about seven
     * calls in a row, each within {@link #NANOS} of the one before.
     */
    static final long AFTER = 127;

    private ThreadShares() {
    }

    /**
     * The extra credits the calling thread takes with its next share; updates its size and time in {@code c}.
     *
     * @param lean whether the backend last gave less than was asked: then no thread takes an extra
     */
    static long next(Metering.Calls c, boolean lean) {
        long now = System.nanoTime();
        long lasted = now - c.shareAt;
        long size = c.shareSize;
        if (lean) {
            size = 0;
        } else if (lasted < NANOS) {
            size = size >= Integer.MAX_VALUE ? size : size * 2 + 1;
        } else if (lasted > 4 * NANOS) {
            size /= 2;
        }
        c.shareAt = now;
        c.shareSize = size;
        return size >= AFTER ? size : 0;
    }
}
