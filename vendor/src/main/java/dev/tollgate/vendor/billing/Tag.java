package dev.tollgate.vendor.billing;

/**
 * The tag a reset or top-up puts on a counter for one round trip: 2^30 added (a usage counter) or taken
 * off (a credits counter), then removed by the same atomic step that applies the change. A counter
 * beyond {@link #THRESHOLD} in that direction carries the tag; counters this tool works on must stay
 * below it.
 */
final class Tag {
    static final int AMOUNT = 1 << 30;
    static final int THRESHOLD = 1 << 29;

    private Tag() {
    }
}
