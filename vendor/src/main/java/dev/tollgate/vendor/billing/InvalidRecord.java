package dev.tollgate.vendor.billing;

/** An object on a key that looks like one of this tool's records but is not a valid, sealed one. */
final class InvalidRecord extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidRecord(String message) {
        super(message, null, false, false);
    }
}
