package dev.tollgate.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The state of one metered feature under test. Each benchmark class declares a small
 * {@code @State} subclass per feature. The trial fails unless the agent runs on the backend that
 * class needs, and unless the feature's balance moved during the trial, so a metered number is
 * never a plain call in disguise.
 */
abstract class MeteringState {
    final Product product = new Product();
    private final String backend;
    private final String feature;
    private long before;

    MeteringState(String backend, String feature) {
        this.backend = backend;
        this.feature = feature;
    }

    @Setup(Level.Trial)
    public void checkAgent() {
        if (Boolean.getBoolean(Body.WOVEN_PROPERTY)) {
            product.leased(0); // a woven class starts the runtime at its first metered call
        }
        Body.requireAgent(backend);
        before = Body.balance(feature);
    }

    @TearDown(Level.Trial)
    public void checkCharged() {
        Body.requireCharged(feature, before);
    }
}
