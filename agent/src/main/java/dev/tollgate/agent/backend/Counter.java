package dev.tollgate.agent.backend;

/**
 * One counter a feature is charged to, as a value: its name, which way it moves (prepaid credits go down to a
 * floor, usage goes up to a cap) and that bound. It owns the arithmetic that depends on the direction, so that
 * no caller repeats "credits ? take : add" or "credits ? value - floor : cap - value".
 *
 * <pre>{@code
 * Counter export = Counter.credits("export", 0);       // 1000 credits left, floor 0
 * Outcome o = export.charge(backend, 3);                  // backend.take("export", 3, 0)
 * long left = export.free(o.value());                     // 997: credits above the floor
 * Counter render = Counter.usage("render", 500);         // usage, capped at 500
 * render.free(120);                                       // 380: room under the cap
 * }</pre>
 *
 * <p>Immutable.
 */
public final class Counter {

    /** Which way a counter moves when it is charged. */
    public enum Direction {
        /** Prepaid credits: a charge takes them, down to the floor. */
        CREDITS,
        /** Usage: a charge adds to it, up to the cap ({@link Backend#NO_CAP}: none). */
        USAGE
    }

    private final String name;
    private final Direction direction;
    private final long bound;

    private Counter(String name, Direction direction, long bound) {
        this.name = name;
        this.direction = direction;
        this.bound = bound;
    }

    /** Credits above {@code floor} (inclusive: reaching it is allowed). */
    public static Counter credits(String name, long floor) {
        return new Counter(name, Direction.CREDITS, floor);
    }

    /** Usage up to {@code cap} (inclusive), or {@link Backend#NO_CAP}. */
    public static Counter usage(String name, long cap) {
        return new Counter(name, Direction.USAGE, cap);
    }

    /** The counter's name on the backend. */
    public String name() {
        return name;
    }

    public Direction direction() {
        return direction;
    }

    /** Whether it holds prepaid credits (else usage). */
    public boolean credits() {
        return direction == Direction.CREDITS;
    }

    /** The floor of credits, or the cap of usage ({@link Backend#NO_CAP}: none). */
    public long bound() {
        return bound;
    }

    /** Whether a charge can be refused for the bound: credits always, usage only under a cap. */
    public boolean bounded() {
        return direction == Direction.CREDITS || bound != Backend.NO_CAP;
    }

    /** The usage cap, for a denial's message; {@link dev.tollgate.UsageDeniedException#UNKNOWN} for credits or no cap. */
    public long cap() {
        return direction == Direction.USAGE && bound != Backend.NO_CAP ? bound : dev.tollgate.UsageDeniedException.UNKNOWN;
    }

    /**
     * Of a lease or a reservation of room, how many of {@code free} units one process takes when it wants
     * {@code want} and needs at least {@code least}: all it wants while plenty is left, but never more than a
     * sixteenth of what is free (at least what it needs), so that near the bound the last units are shared
     * among the processes on the counter rather than taken by the few that lease first. The only place of this
     * rule: the local ledger and the remote accounts both ask it.
     *
     * <pre>{@code
     * Counter.share(1_000_000, 500, 1);   // 500: plenty left
     * Counter.share(1_600, 500, 1);       // 100: a sixteenth of what is left
     * Counter.share(3, 500, 1);           // 1
     * Counter.share(3, 500, 5);           // 0: not enough for what is needed now
     * }</pre>
     *
     * @return the units to take, from {@code least} to {@code want}; 0 when {@code free} is less than {@code least}
     */
    public static long share(long free, long want, long least) {
        if (free < least || free <= 0 || want <= 0) {
            return 0;
        }
        if (free / SHARE >= want) {
            return want;
        }
        return Math.min(free, Math.min(want, Math.max(least, (free + SHARE - 1) / SHARE)));
    }

    /** A lease takes at most 1/SHARE of what is left (see {@link #share}). */
    static final long SHARE = 16;

    /** One backend step for a charge of {@code units}: take credits, or add usage, within the bound. */
    public Outcome charge(Backend backend, long units) {
        return direction == Direction.CREDITS ? backend.take(name, units, bound) : backend.add(name, units, bound);
    }

    /** Gives back a charge of {@code units}: credits come back, usage goes down. */
    public Outcome refund(Backend backend, long units) {
        return backend.refund(name, units, credits());
    }

    /** What a counter at {@code value} may still serve: credits above the floor, or room under the cap. */
    public long free(long value) {
        return direction == Direction.CREDITS ? value - bound : bound - value;
    }

    /**
     * What a charge refused at the bound may say is free: {@link #free} of the value the backend answered, never
     * below 0, or {@link dev.tollgate.UsageDeniedException#UNKNOWN} when it did not say.
     */
    public long freeAfter(Outcome refused) {
        return refused.value() == Outcome.UNKNOWN ? dev.tollgate.UsageDeniedException.UNKNOWN
                : Math.max(0, free(refused.value()));
    }

    /**
     * The balance a user sees for a counter at {@code value} with {@code unrecorded} units used that the value does
     * not show yet: credits left above the floor, or units used.
     */
    public long balance(long value, long unrecorded) {
        return direction == Direction.CREDITS ? value - bound - unrecorded : value + unrecorded;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Counter)) {
            return false;
        }
        Counter c = (Counter) o;
        return name.equals(c.name) && direction == c.direction && bound == c.bound;
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + direction.hashCode()) * 31 + Long.hashCode(bound);
    }

    @Override
    public String toString() {
        return direction == Direction.CREDITS ? "credits '" + name + "' (floor " + bound + ")"
                : "usage '" + name + "'" + (bound == Backend.NO_CAP ? "" : " (cap " + bound + ")");
    }
}
