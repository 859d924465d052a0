package dev.tollgate.benchmarks;

import java.util.OptionalLong;

import dev.tollgate.Tollgate;

/** What every variant shares: the tiny method body, and the checks that a run measured what it says. */
final class Body {

    /** The system property RunBenchmarks passes to every fork: {@code local} or {@code cryptolens}. */
    static final String BACKEND_PROPERTY = "tollgate.bench.backend";
    /** Set in forks that run {@link Product} woven at build time, with no agent ({@code RunBenchmarks --woven}). */
    static final String WOVEN_PROPERTY = "tollgate.bench.woven";

    private Body() {
    }

    /** The method body every variant runs after its charge. */
    static int work(int x) {
        return x * 31 + 7;
    }

    /** Thrown when a peer says no: the run's limits were too small, so its numbers would be a denial's. */
    static IllegalStateException denied(String peer) {
        return new IllegalStateException(peer + " denied a call; its limits must be large enough never to deny");
    }

    /**
     * Fails the trial unless the agent runs in this fork with the backend this benchmark class needs,
     * so that a metered number is never a plain call in disguise.
     */
    static void requireAgent(String backend) {
        if (!Tollgate.isActive()) {
            throw new IllegalStateException("the Tollgate agent is not attached to this fork; run the benchmarks "
                    + "through RunBenchmarks: java -jar benchmarks/target/benchmarks.jar");
        }
        String running = System.getProperty(BACKEND_PROPERTY);
        if (!backend.equals(running)) {
            throw new IllegalStateException("this benchmark needs the agent on the " + backend + " backend, but the "
                    + "fork runs with " + running + "; run it with: java -jar benchmarks/target/benchmarks.jar"
                    + (backend.equals("local") ? "" : " --backend " + backend));
        }
    }

    /** The feature's balance now; the trial fails if the agent cannot say. */
    static long balance(String feature) {
        OptionalLong b = Tollgate.balance(feature);
        if (b.isEmpty()) {
            throw new IllegalStateException("the agent knows no balance for feature '" + feature
                    + "'; is it in the config RunBenchmarks writes (RunBenchmarks.FEATURES)?");
        }
        return b.getAsLong();
    }

    /** Fails the trial when a metered feature's balance did not move: its calls were not charged. */
    static void requireCharged(String feature, long before) {
        long after = balance(feature);
        if (after == before) {
            throw new IllegalStateException("feature '" + feature + "' was not charged during the trial (balance "
                    + before + " before and after): the @Metered method was not instrumented");
        }
    }
}
