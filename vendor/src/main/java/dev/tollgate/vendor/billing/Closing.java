package dev.tollgate.vendor.billing;

import dev.tollgate.vendor.api.ApiFailure;
import dev.tollgate.vendor.api.Backoff;
import dev.tollgate.vendor.api.KeyProgress;
import dev.tollgate.vendor.api.Keys;
import dev.tollgate.vendor.api.WebApi;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-of-period close of a product: for each key and usage feature, the statement row, and with
 * {@link Mode#RESET} the billed units taken off the counter, each exactly once however often it runs.
 *
 * <pre>{@code
 * Closing.Result result = new Closing(api, seal, Backoff.standard()).run(
 *         new Closing.Request(3941, null, List.of("render"), Period.parse("2026-11"), Mode.RESET, false),
 *         KeyProgress.NONE);
 * }</pre>
 */
public final class Closing {
    private final WebApi api;
    private final Seal seal;
    private final Backoff backoff;

    public Closing(WebApi api, Seal seal, Backoff backoff) {
        this.api = api;
        this.seal = seal;
        this.backoff = backoff;
    }

    /** What to close: one key ({@code key} non-null) or all of the product. */
    public record Request(int productId, String key, List<String> features, Period period, Mode mode, boolean dryRun) {
    }

    /** The statement rows, and one line for each key and feature that could not be closed. */
    public record Result(List<StatementRow> rows, List<String> failures) {
    }

    /** A run stopped by a failure that every further key would meet too (token, permission, service). */
    public static final class Stopped extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient ApiFailure cause;
        private final int finished;
        private final int total;

        Stopped(ApiFailure cause, int finished, int total) {
            super(cause.getMessage(), null, false, false);
            this.cause = cause;
            this.finished = finished;
            this.total = total;
        }

        public ApiFailure failure() {
            return cause;
        }

        public int finished() {
            return finished;
        }

        public int total() {
            return total;
        }
    }

    public Result run(Request request, KeyProgress listener) throws ApiFailure, Stopped {
        List<String> keys = request.key() != null ? List.of(request.key())
                : new Keys(api).names(request.productId(), KeyProgress.NONE);
        listener.total(keys.size());
        if (!keys.isEmpty() && !request.dryRun() && request.mode() == Mode.RESET) {
            api.requireWrites(request.productId(), keys.get(0),
                    List.of(WebApi.INCREMENT, WebApi.DECREMENT, WebApi.SET_INT));
        }
        StepRunner runner = new StepRunner(api, request.productId(), backoff);
        List<StatementRow> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int finished = 0;
        for (String key : keys) {
            for (String feature : request.features()) {
                CloseDecision decision = new CloseDecision(feature, request.period(), request.mode(), request.dryRun(), seal);
                try {
                    StepRunner.Outcome<CloseDecision.Closed> outcome = runner.run(key, decision::next);
                    CloseRecord record = outcome.result().record();
                    rows.add(new StatementRow(key, feature, record.read(), record.billed(), record.mode(),
                            status(outcome.result(), outcome.changed())));
                } catch (KeyFailure e) {
                    failures.add("key " + key + ", " + feature + ": " + e.getMessage());
                } catch (ApiFailure e) {
                    if (e.kind() == ApiFailure.Kind.NOT_FOUND && request.key() == null) {
                        failures.add("key " + key + ", " + feature + ": " + e.getMessage());
                        continue;
                    }
                    if (e.kind() == ApiFailure.Kind.NOT_FOUND && rows.isEmpty()) {
                        throw e; // the one key named does not exist: nothing was read, nothing written
                    }
                    throw new Stopped(e, finished, keys.size());
                }
            }
            finished++;
            listener.keyDone();
        }
        return new Result(rows, failures);
    }

    private static String status(CloseDecision.Closed closed, boolean changed) {
        if (!closed.onKey()) {
            return "dry run";
        }
        if (closed.record().phase() != Phase.DONE) {
            return "unfinished";
        }
        return changed ? "closed" : "already closed";
    }
}
