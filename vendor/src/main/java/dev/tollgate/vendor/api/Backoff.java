package dev.tollgate.vendor.api;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before the next try after a transient failure: exponential from {@code base}, capped
 * at {@code max}, with full jitter, for at most {@code attempts} tries in all.
 *
 * <pre>{@code
 * Backoff backoff = Backoff.standard();           // 6 tries, 250 ms doubling to 8 s
 * for (int attempt = 1; ; attempt++) { ...; if (!backoff.pause(attempt)) break; }
 * }</pre>
 */
public record Backoff(int attempts, Duration base, Duration max) {

    public static Backoff standard() {
        return new Backoff(6, Duration.ofMillis(250), Duration.ofSeconds(8));
    }

    /** The wait after try number {@code attempt} (1-based), jittered between half and all of it. */
    Duration delay(int attempt) {
        long full = Math.min(max.toMillis(), base.toMillis() << Math.min(20, attempt - 1));
        return Duration.ofMillis(full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1));
    }

    /**
     * Waits after try number {@code attempt}; false (without waiting) when that was the last try.
     */
    public boolean pause(int attempt) {
        if (attempt >= attempts) {
            return false;
        }
        try {
            Thread.sleep(delay(attempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }
}
