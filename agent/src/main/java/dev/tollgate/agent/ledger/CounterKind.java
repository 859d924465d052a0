package dev.tollgate.agent.ledger;

/**
 * What a counter holds, stored in its file so that a counter cannot silently change model.
 *
 * <pre>{@code
 * CounterKind.of(1);   // CREDITS
 * CounterKind.of(7);   // null: not a kind this agent knows
 * }</pre>
 */
enum CounterKind {
    CREDITS(1), USAGE(2);

    final int code;

    CounterKind(int code) {
        this.code = code;
    }

    static CounterKind of(int code) {
        for (CounterKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }
}
