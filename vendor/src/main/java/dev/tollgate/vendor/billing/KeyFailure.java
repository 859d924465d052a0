package dev.tollgate.vendor.billing;

/**
 * The work on one key cannot go on (an invalid record, a counter changed by hand); other keys can.
 *
 * <pre>{@code
 * catch (KeyFailure e) { failures.add("key " + key + ": " + e.getMessage()); }
 * }</pre>
 */
public final class KeyFailure extends Exception {
    private static final long serialVersionUID = 1L;

    KeyFailure(String message) {
        super(message, null, false, false);
    }
}
