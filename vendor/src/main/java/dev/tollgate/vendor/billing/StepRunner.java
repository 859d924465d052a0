package dev.tollgate.vendor.billing;

import dev.tollgate.vendor.api.ApiFailure;
import dev.tollgate.vendor.api.Backoff;
import dev.tollgate.vendor.api.KeyData;
import dev.tollgate.vendor.api.WebApi;
import java.util.function.Function;

/**
 * Carries out the steps a decision asks for on one key: read the key, decide, do one write, read
 * again, until the decision is {@link Step.Done}. A write whose answer was lost or refused for a
 * passing reason is never sent again blindly: after a pause the key is read again and the decision
 * made afresh, which is what makes a retry, a crash or a kill at any point safe.
 */
final class StepRunner {
    static final int MAX_STEPS = 16;

    private final WebApi api;
    private final int productId;
    private final Backoff backoff;

    StepRunner(WebApi api, int productId, Backoff backoff) {
        this.api = api;
        this.productId = productId;
        this.backoff = backoff;
    }

    /** The result, and whether this run wrote anything for it. */
    record Outcome<R>(R result, boolean changed) {
    }

    <R> Outcome<R> run(String key, Function<KeyData, Step<R>> decide) throws ApiFailure, KeyFailure {
        boolean changed = false;
        int pauses = 0;
        for (int steps = 0; steps < MAX_STEPS; steps++) {
            Step<R> step = decide.apply(api.dataObjects(productId, key));
            try {
                if (step instanceof Step.Done<R> done) {
                    return new Outcome<>(done.result(), changed);
                } else if (step instanceof Step.Failed<R> failed) {
                    throw new KeyFailure(failed.reason());
                } else if (step instanceof Step.Add<R> add) {
                    api.add(productId, key, add.name(), add.intValue(), add.stringValue());
                } else if (step instanceof Step.Increment<R> inc) {
                    api.increment(productId, key, inc.name(), inc.amount());
                } else if (step instanceof Step.Decrement<R> dec) {
                    api.decrement(productId, key, dec.name(), dec.amount());
                } else if (step instanceof Step.SetInt<R> set) {
                    api.setInt(productId, key, set.name(), set.value());
                }
                changed = true;
            } catch (ApiFailure failure) {
                // A lost answer may have taken effect; a refused add may be another run's record. Read again.
                boolean readAgain = failure.isTransient()
                        || (step instanceof Step.Add<R> && failure.kind() == ApiFailure.Kind.REFUSED);
                changed = true;
                if (!readAgain || !backoff.pause(++pauses)) {
                    throw failure;
                }
            }
        }
        throw new KeyFailure("did not settle after " + MAX_STEPS + " steps; run the command again");
    }
}
