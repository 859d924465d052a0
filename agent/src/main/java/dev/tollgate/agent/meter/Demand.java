package dev.tollgate.agent.meter;

/**
 * How many units a journaled feature should hold, learned from its calls: the size of its next lease (credits)
 * or reservation of room (usage under a cap), and how low what it holds may fall before the sync thread takes
 * the next one in the background.
 *
 * <p>A lease lasts about {@code leaseFor} at the call rate this process sees, at most {@code block}. The rate
 * is what the journal recorded between two looks of the sync thread, smoothed over about a second, but followed
 * at once when it rises. Before the rate is known (the first calls, a burst far beyond the forecast) every lease
 * that a calling thread had to wait for is four times the one before, so that a loop at full speed waits a
 * handful of times, not once per lease. The next lease is taken ahead when what is held would last less than
 * half of {@code leaseFor}, or less than two round trips to the backend and a look of the sync thread: so at a
 * steady rate a process asks about once per {@code leaseFor}, and its calls do not wait.
 *
 * <pre>{@code
 * Demand d = new Demand(1_000, Integer.MAX_VALUE);
 * d.sample(now, journal.used());          // the sync thread, every tick
 * long size = d.want(1);                  // units for the next lease
 * if (held < d.low()) { ... lease ahead ... }
 * }</pre>
 *
 * <p>{@link #sample} runs on the sync thread; the rest under the feature's lock. The rate is volatile so that
 * either side reads a whole, recent value.
 */
final class Demand {

    /** The first lease, before anything is known. */
    static final long FIRST = 100;
    /** How much bigger each lease a calling thread waited for is than the one before. */
    static final long GROWTH = 4;

    private final long leaseForMillis;
    private final long ceiling;
    /** Half a block when the config sets {@code block}: so much is kept ahead even when calls pause. */
    private final long keep;
    /** Units per millisecond, smoothed. */
    private volatile double rate;
    /** The round trip of a lease, in milliseconds, smoothed. */
    private volatile double roundTrip;
    /** The last lease a calling thread had to wait for, grown by {@link #GROWTH} at each wait. */
    private volatile long waited;
    private long lastAt;
    private long lastUsed;

    /** @param ceiling {@code block}; {@link dev.tollgate.agent.config.Sync#DEFAULT_BLOCK} when the config set none */
    Demand(long leaseForMillis, long ceiling) {
        this.leaseForMillis = leaseForMillis;
        this.ceiling = Math.max(1, ceiling);
        this.keep = ceiling == dev.tollgate.agent.config.Sync.DEFAULT_BLOCK ? 0 : this.ceiling / 2;
    }

    /**
     * What the journal recorded so far, at {@code now}: updates the rate. Units given back lower the total;
     * such a sample counts as no calls.
     */
    void sample(long now, long used) {
        if (lastAt == 0 || now <= lastAt) {
            lastAt = now;
            lastUsed = used;
            return;
        }
        double seen = Math.max(0, used - lastUsed) / (double) (now - lastAt);
        // Smoothed over about a second; a rise is taken at once, so a lease is never sized by a slower past.
        double weight = Math.min(1.0, (now - lastAt) / 1_000.0);
        double smoothed = rate + (seen - rate) * weight;
        rate = Math.max(seen, smoothed);
        waited /= 2; // once the rate is known it sizes the leases; a burst's growth fades within a second
        lastAt = now;
        lastUsed = used;
    }

    /** A lease took {@code millis} from asking to answer. */
    void tookMillis(double millis) {
        double r = roundTrip;
        roundTrip = r == 0 ? millis : r + (millis - r) * 0.25;
    }

    /** A calling thread found nothing held and waits for the next lease: it should be bigger than the last. */
    void waiting() {
        long w = waited;
        waited = w == 0 ? FIRST : (w > ceiling / GROWTH ? ceiling : w * GROWTH);
    }

    /** The size of the next lease: at least {@code least}, about {@code leaseFor} of calls, at most the ceiling. */
    long want(long least) {
        double byRate = rate * leaseForMillis;
        long w = Math.max(waited, byRate >= ceiling ? ceiling : (long) byRate);
        return Math.max(least, Math.max(1, Math.min(ceiling, w)));
    }

    /**
     * Below this, the sync thread takes the next lease ahead; at least 1, and at least half a {@code block} when
     * the config sets one (as a fixed block always was).
     */
    long low() {
        double r = rate;
        double lead = r * (Syncer.TICK_MILLIS + 2 * roundTrip) * 2;
        long half = Math.max(keep, want(1) / 2);
        return Math.max(1, Math.max(half, lead >= ceiling ? ceiling : (long) lead));
    }

    /** The rate in units per second, for logs and tests. */
    double perSecond() {
        return rate * 1_000;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%.0f/s, round trip %.1f ms, next lease %d", perSecond(),
                roundTrip, want(1));
    }
}
