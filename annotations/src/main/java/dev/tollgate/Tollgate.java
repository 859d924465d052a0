package dev.tollgate;

import java.util.OptionalLong;
import java.util.function.Function;

/**
 * What the running agent knows about a feature's counter, for showing it to the product's users.
 *
 * <pre>{@code
 * OptionalLong left = Tollgate.balance("export");
 * left.ifPresent(n -> System.out.println(n + " exports left"));
 * }</pre>
 *
 * <p>Without the agent every answer is empty, so the product can call this unconditionally.
 */
public final class Tollgate {

    /** Filled in by the agent when it starts (reflectively, so it is not public API). */
    private static volatile Function<String, OptionalLong> balances;

    private Tollgate() {
    }

    /**
     * The feature's balance: credits left above the lower bound for a {@code credits} feature, units
     * used for a {@code usage} feature. Empty when no agent runs, the feature is unknown, or the
     * backend cannot say. May ask the backend: call it to show a balance, not on every request.
     */
    public static OptionalLong balance(String feature) {
        Function<String, OptionalLong> source = balances;
        if (source == null || feature == null) {
            return OptionalLong.empty();
        }
        try {
            OptionalLong answer = source.apply(feature);
            return answer == null ? OptionalLong.empty() : answer;
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Whether a Tollgate agent runs in this JVM. Without one, {@link Metered} methods run free (the annotation
     * does nothing by itself), so a product that must not run unmetered can check this at startup:
     *
     * <pre>{@code
     * if (!Tollgate.isActive()) {
     *     throw new IllegalStateException("start with -javaagent:tollgate-agent.jar");
     * }
     * }</pre>
     */
    public static boolean isActive() {
        return balances != null;
    }
}
