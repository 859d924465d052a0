package dev.tollgate.vendor.billing;

/**
 * What to do next on one key, decided from what the key holds now; {@link Done} and {@link Failed}
 * end the work on it.
 */
sealed interface Step<R> {
    record Add<R>(String name, int intValue, String stringValue) implements Step<R> {
    }

    record Increment<R>(String name, int amount) implements Step<R> {
    }

    record Decrement<R>(String name, int amount) implements Step<R> {
    }

    record SetInt<R>(String name, int value) implements Step<R> {
    }

    record Done<R>(R result) implements Step<R> {
    }

    record Failed<R>(String reason) implements Step<R> {
    }
}
