package dev.tollgate.vendor.cli;

/** Ends a command with one line on stderr and exit code 1; never carries a token. */
final class CommandFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
        super(message, null, false, false);
    }
}
