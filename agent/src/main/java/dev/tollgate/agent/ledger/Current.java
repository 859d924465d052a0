package dev.tollgate.agent.ledger;

import java.util.Arrays;

/**
 * A counter file's newest record as read under its lock: step, value, kind, the grants of journaling processes,
 * and the id of the last top-up it took.
 *
 * <pre>{@code
 * Current c = new Current(4, 96, CounterKind.CREDITS.code, Current.NONE, 0, false);
 * c.held();   // 0: no journal holds credits
 * }</pre>
 */
final class Current {

    static final CounterFile.Grant[] NONE = new CounterFile.Grant[0];

    final long seq;
    final long value;
    /** The stored kind's code; 0 for a counter never written. */
    final int kind;
    final CounterFile.Grant[] grants;
    /** The {@link TopUps#marker marker} of the last top-up applied; 0 for none. */
    final long lastTopUp;
    /** Read from the first format: the next write must not touch its slots' region first. */
    final boolean legacy;

    Current(long seq, long value, int kind, CounterFile.Grant[] grants, long lastTopUp, boolean legacy) {
        this.seq = seq;
        this.value = value;
        this.kind = kind;
        this.grants = grants;
        this.lastTopUp = lastTopUp;
        this.legacy = legacy;
    }

    long held() {
        long sum = 0;
        for (CounterFile.Grant g : grants) {
            sum = plus(sum, g.held());
        }
        return sum;
    }

    int find(long journal) {
        for (int i = 0; i < grants.length; i++) {
            if (grants[i].journal == journal) {
                return i;
            }
        }
        return -1;
    }

    CounterFile.Grant[] with(CounterFile.Grant g, int at) {
        CounterFile.Grant[] next = at < 0 ? Arrays.copyOf(grants, grants.length + 1) : grants.clone();
        next[at < 0 ? grants.length : at] = g;
        return next;
    }

    CounterFile.Grant[] without(int at) {
        CounterFile.Grant[] next = new CounterFile.Grant[grants.length - 1];
        System.arraycopy(grants, 0, next, 0, at);
        System.arraycopy(grants, at + 1, next, at, grants.length - at - 1);
        return next;
    }

    /** {@code a + b}, saturating instead of wrapping. */
    static long plus(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    static long sub(long a, long b) {
        return plus(a, -b);
    }
}
