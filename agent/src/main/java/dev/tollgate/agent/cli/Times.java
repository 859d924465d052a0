package dev.tollgate.agent.cli;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Instants and durations as {@code status} prints them: {@code 2026-12-03T09:50:12Z}, {@code 1 h 5 min}. */
final class Times {

    private Times() {
    }

    static String iso(long millis) {
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** {@code 45 s}, {@code 12 min 5 s}, {@code 3 h 20 min}, {@code 2 d 4 h}: the two largest units. */
    static String duration(long millis) {
        long s = Math.max(0, millis) / 1000;
        long d = s / 86_400;
        long h = s % 86_400 / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        if (d > 0) {
            return d + " d" + (h > 0 ? " " + h + " h" : "");
        }
        if (h > 0) {
            return h + " h" + (m > 0 ? " " + m + " min" : "");
        }
        if (m > 0) {
            return m + " min" + (sec > 0 ? " " + sec + " s" : "");
        }
        return sec + " s";
    }
}
