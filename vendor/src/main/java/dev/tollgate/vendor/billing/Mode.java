package dev.tollgate.vendor.billing;

import java.util.Locale;

/**
 * How a close leaves a usage counter: {@code reset} takes the billed units off it, {@code carry} leaves
 * it and bills the growth since the last closed period.
 *
 * <pre>{@code
 * Mode.RESET.word()   // "reset", as in statements
 * }</pre>
 */
public enum Mode {
    RESET, CARRY;

    /** {@code reset} or {@code carry}, as in statements and records. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Mode of(String word) {
        for (Mode mode : values()) {
            if (mode.word().equals(word)) {
                return mode;
            }
        }
        return null;
    }
}
