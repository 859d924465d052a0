package dev.tollgate.vendor.billing;

import dev.tollgate.vendor.api.ApiFailure;
import dev.tollgate.vendor.api.Backoff;
import dev.tollgate.vendor.api.WebApi;
import java.util.List;

/**
 * Adds prepaid credits to a key's counter (creating it when missing) once per order id: the same order
 * applied again, after a crash or by mistake, adds nothing.
 *
 * <pre>{@code
 * Topup.Result r = new Topup(api, seal, Backoff.standard()).apply(3941, "AAAAA-BBBBB-CCCCC-DDDDD", "export", 500, "A-1001");
 * // r.applied() is false when order A-1001 had been applied before
 * }</pre>
 */
public final class Topup {
    private final WebApi api;
    private final Seal seal;
    private final Backoff backoff;

    public Topup(WebApi api, Seal seal, Backoff backoff) {
        this.api = api;
        this.seal = seal;
        this.backoff = backoff;
    }

    /** Whether this run added the units (false: the order had been applied before), and the balance after. */
    public record Result(boolean applied, int balance) {
    }

    public Result apply(int productId, String key, String feature, int units, String order) throws ApiFailure, KeyFailure {
        api.dataObjects(productId, key); // an unknown key or product fails here, before any probe
        api.requireWrites(productId, key, List.of(WebApi.INCREMENT, WebApi.DECREMENT, WebApi.SET_INT));
        TopupDecision decision = new TopupDecision(order, feature, units, seal);
        StepRunner.Outcome<OrderRecord> outcome = new StepRunner(api, productId, backoff).run(key, decision::next);
        int balance = api.dataObjects(productId, key).find(feature).map(v -> v.intValue()).orElse(0);
        return new Result(outcome.changed(), balance);
    }
}
