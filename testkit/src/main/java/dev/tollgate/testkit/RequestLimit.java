package dev.tollgate.testkit;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The request rate limit of one license key, and the counts of what it saw: a sliding window of one second.
 * A request is served when fewer than {@code perSecond} requests of the key were served in the second before
 * it; otherwise it is refused (the emulator answers 429), and a refused request does not count against the
 * window. With no limit set (0), every request is served and still counted.
 *
 * <pre>{@code
 * RequestLimit limit = new RequestLimit(System::nanoTime);
 * limit.set(20);
 * long wait = limit.admit();   // 0: serve it; else the nanoseconds until one would be served
 * }</pre>
 */
final class RequestLimit {
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LongSupplier nanos;
    private final ArrayDeque<Long> served = new ArrayDeque<>();
    private int perSecond;
    private long received;
    private long refused;

    RequestLimit(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** At most {@code perSecond} requests served in any second; 0 for no limit. */
    synchronized void set(int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("a request limit must be 0 (none) or positive: " + perSecond);
        }
        this.perSecond = perSecond;
    }

    synchronized int perSecond() {
        return perSecond;
    }

    /**
     * Counts one request and decides it.
     *
     * @return 0 when it is served, else how many nanoseconds remain until a request would be served
     */
    synchronized long admit() {
        received++;
        long now = nanos.getAsLong();
        while (!served.isEmpty() && now - served.peekFirst() >= WINDOW_NANOS) {
            served.removeFirst();
        }
        if (perSecond == 0) {
            served.clear(); // a limit set later starts with an empty window
            return 0;
        }
        if (served.size() < perSecond) {
            served.addLast(now);
            return 0;
        }
        refused++;
        // The oldest served requests must leave the window until fewer than perSecond remain in it.
        long oldestThatMustLeave = served.stream().skip(served.size() - perSecond).findFirst().orElse(now);
        return Math.max(1, oldestThatMustLeave + WINDOW_NANOS - now);
    }

    synchronized long received() {
        return received;
    }

    synchronized long refused() {
        return refused;
    }
}
