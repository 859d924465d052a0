package dev.tollgate.agent.backend.cryptolens;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110): a number of seconds, or an HTTP date.
 *
 * <pre>{@code
 * RetryAfter.millis("2", now);                               // 2000
 * RetryAfter.millis("Wed, 21 Oct 2026 07:28:00 GMT", now);   // the time from now until then
 * RetryAfter.millis("soon", now);                            // 0: nothing usable
 * }</pre>
 */
final class RetryAfter {

    /** Longer waits are read as this; the breaker caps them much lower anyway. */
    static final long LONGEST_MILLIS = 24L * 60 * 60 * 1000;

    private RetryAfter() {
    }

    /**
     * How long the header asks to wait, in milliseconds from {@code nowMillis}; 0 when it is absent, not
     * readable, or in the past.
     */
    static long millis(String header, long nowMillis) {
        if (header == null) {
            return 0;
        }
        String value = header.trim();
        if (value.isEmpty()) {
            return 0;
        }
        if (isDigits(value)) {
            return value.length() > 5 ? LONGEST_MILLIS : Math.min(LONGEST_MILLIS, Long.parseLong(value) * 1000);
        }
        try {
            long at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Math.max(0, Math.min(LONGEST_MILLIS, at - nowMillis));
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    /** For a detail: {@code 1 s}, {@code 1.5 s}. */
    static String seconds(long millis) {
        return millis % 1000 == 0 ? (millis / 1000) + " s" : (millis / 1000) + "." + (millis % 1000 / 100) + " s";
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
