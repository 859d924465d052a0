package dev.tollgate.agent.ledger;

/**
 * The answer to a step of a {@link CounterFile}: applied or not, and the value after it (or the current one when
 * refused).
 *
 * <pre>{@code
 * Step s = counter.take(1, 0);
 * if (s.applied) { ... s.value credits left ... }
 * }</pre>
 */
final class Step {
    final boolean applied;
    final long value;

    Step(boolean applied, long value) {
        this.applied = applied;
        this.value = value;
    }
}
