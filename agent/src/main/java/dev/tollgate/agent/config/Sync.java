package dev.tollgate.agent.config;

/**
 * How a feature's calls reach its backend counter, from {@code features.<name>.sync} and the keys beside it.
 *
 * <pre>{@code
 * features:
 *   export:
 *     mode: credits
 *     sync: leased           # strict | leased (credits) | batched (usage)
 *     block: 100             # leased: most credits taken per lease; batched with a cap: room reserved per step
 *     onBackendFailure: grace
 *     grace: { units: 500, time: 24h }
 *   render:
 *     mode: usage
 *     sync: batched
 *     flushEvery: 5s         # batched: send unsent usage this often ...
 *     flushUnits: 1000       # ... or as soon as this many units are unsent
 * }</pre>
 *
 * <p>Defaults: on the {@code local} backend a credits feature is {@code leased} and a usage feature
 * {@code batched} (fast and still exact, see the journal); on {@code cryptolens} every feature is
 * {@code strict} unless the config says otherwise. A lease is sized by demand: the call rate this process
 * sees times {@code leaseFor} (1 s), at most {@code block} when set, and less when little is left, so that
 * several processes share the last units.
 */
public final class Sync {

    /** The three strategies. */
    public enum Strategy {
        /** One backend step per call, before the method runs. */
        STRICT,
        /** Credits are taken from the backend in blocks and spent locally from the journal. */
        LEASED,
        /** Usage is recorded in the journal at once and sent to the backend coalesced, in the background. */
        BATCHED
    }

    /** {@code block} when the config gives none: no ceiling of its own, leases are sized by {@code leaseFor}. */
    public static final int DEFAULT_BLOCK = Integer.MAX_VALUE;
    /** {@code leaseFor} when the config gives none. */
    public static final long DEFAULT_LEASE_FOR_MILLIS = 1_000;
    public static final long DEFAULT_FLUSH_EVERY_MILLIS = 5_000;
    public static final long DEFAULT_FLUSH_UNITS = 1_000;

    private final Strategy strategy;
    private final int block;
    private final long leaseForMillis;
    private final long flushEveryMillis;
    private final long flushUnits;
    private final long graceUnits;
    private final long graceMillis;

    /**
     * @param graceUnits most units served while the backend is unreachable ({@code onBackendFailure: grace}); 0: no
     *     limit by units (then {@code graceMillis} must be set)
     * @param graceMillis longest time since the last successful sync during which calls are served offline; 0: no
     *     limit by time
     */
    public Sync(Strategy strategy, int block, long leaseForMillis, long flushEveryMillis, long flushUnits,
            long graceUnits, long graceMillis) {
        this.strategy = strategy;
        this.block = block;
        this.leaseForMillis = leaseForMillis;
        this.flushEveryMillis = flushEveryMillis;
        this.flushUnits = flushUnits;
        this.graceUnits = graceUnits;
        this.graceMillis = graceMillis;
    }

    public Strategy strategy() {
        return strategy;
    }

    /** Whether calls are served from the journal ({@code leased} or {@code batched}). */
    public boolean journaled() {
        return strategy != Strategy.STRICT;
    }

    /**
     * {@code block}: the most units one lease or reservation takes, whatever the demand; {@link #DEFAULT_BLOCK}
     * when not set. At least 1.
     */
    public int block() {
        return block;
    }

    /**
     * {@code leaseFor}: how long a lease (credits) or a reservation of room under a cap should last at the
     * call rate this process sees, in milliseconds; also the shortest time between two early sends of
     * {@code batched} usage ({@code flushUnits}).
     */
    public long leaseForMillis() {
        return leaseForMillis;
    }

    /** {@code flushEvery}: how often unsent units are sent, in milliseconds. */
    public long flushEveryMillis() {
        return flushEveryMillis;
    }

    /** {@code flushUnits}: unsent units that trigger a send before the interval ends. */
    public long flushUnits() {
        return flushUnits;
    }

    /** {@code grace.units}, or 0 for no limit by units. */
    public long graceUnits() {
        return graceUnits;
    }

    /** {@code grace.time} in milliseconds, or 0 for no limit by time. */
    public long graceMillis() {
        return graceMillis;
    }

    @Override
    public String toString() {
        return strategy.name().toLowerCase(java.util.Locale.ROOT) + (strategy == Strategy.STRICT ? ""
                : strategy == Strategy.LEASED ? " (leases for " + leaseForMillis + " ms" + blockNote() + ")"
                        : " (every " + flushEveryMillis + " ms or " + flushUnits + " units" + blockNote() + ")");
    }

    private String blockNote() {
        return block == DEFAULT_BLOCK ? "" : ", block " + block;
    }
}
