package dev.tollgate.vendor.cli;

import dev.tollgate.vendor.api.ApiFailure;
import dev.tollgate.vendor.api.Backoff;
import dev.tollgate.vendor.billing.Closing;
import dev.tollgate.vendor.billing.Mode;
import dev.tollgate.vendor.billing.Period;
import dev.tollgate.vendor.billing.StatementFiles;
import dev.tollgate.vendor.billing.StatementRow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code close}: the end-of-period statement of every key and usage feature, and the reset or carry,
 * each exactly once. See README "Billing".
 */
@Command(name = "close", mixinStandardHelpOptions = true, description = "Close a billing period: bill each key's usage once, then reset or carry the counters.")
final class CloseCommand implements Callable<Integer> {
    @ParentCommand
    VendorCommand parent;

    @Mixin
    Connection connection = new Connection();

    @Option(names = "--key", paramLabel = "KEY", description = "One key instead of all.")
    String key;

    @Option(names = "--period", paramLabel = "YYYY-MM", required = true, description = "The month to close, e.g. 2026-11.")
    String period;

    @Option(names = "--feature", paramLabel = "NAME", required = true, arity = "1..*", split = ",",
            description = "The usage counters to close.")
    List<String> features;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ModeChoice mode;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the statement files go (required unless --dry-run).")
    Path out;

    @Option(names = "--dry-run", description = "Show the statement; change nothing, write no file.")
    boolean dryRun;

    /** --reset or --carry. */
    static final class ModeChoice {
        @Option(names = "--reset", required = true, description = "Take the billed units off each counter.")
        boolean reset;

        @Option(names = "--carry", required = true, description = "Leave the counters; bill the growth since the last close.")
        boolean carry;

        Mode mode() {
            return reset ? Mode.RESET : Mode.CARRY;
        }
    }

    @Override
    public Integer call() throws CommandFailure {
        Period month;
        try {
            month = Period.parse(period);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("--period: " + e.getMessage());
        }
        if (out == null && !dryRun) {
            throw new CommandFailure("--out DIR is required (or --dry-run to only show the statement)");
        }
        for (String feature : features) {
            if (feature.isBlank() || feature.startsWith("tollgate.")) {
                throw new CommandFailure("--feature " + feature + " is not a usage counter's name");
            }
        }
        Connection.Opened opened = connection.open(parent.env);
        Progress progress = new Progress(parent.err, Progress.wanted(connection.progress), "close " + month);
        Closing.Result result;
        try {
            result = new Closing(opened.api(), opened.seal(), Backoff.standard()).run(
                    new Closing.Request(connection.product, key, List.copyOf(features), month, mode.mode(), dryRun), progress);
        } catch (ApiFailure e) {
            progress.finish();
            throw new CommandFailure(Failures.describe(e, connection.product, key) + (dryRun ? "" : "; nothing was changed"));
        } catch (Closing.Stopped e) {
            progress.finish();
            throw new CommandFailure("stopped after " + e.finished() + " of " + e.total() + " keys: "
                    + Failures.describe(e.failure(), connection.product, key)
                    + (dryRun ? "" : "; the keys finished are closed, and running the same command again finishes the rest "
                    + "without billing anything twice"));
        }
        progress.finish();
        List<List<Object>> rows = new ArrayList<>();
        long billed = 0;
        for (StatementRow row : result.rows()) {
            rows.add(StatementFiles.cells(row));
            billed += row.billed();
        }
        connection.format.print(parent.out, StatementFiles.HEADERS, rows);
        String files = "";
        if (!dryRun) {
            try {
                List<Path> written = StatementFiles.write(out, connection.product, month, key, result.rows());
                files = "; statement in " + written.get(0) + " and " + written.get(1);
            } catch (IOException e) {
                throw new CommandFailure("the period is closed on the service, but the statement could not be written to "
                        + out + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); run the same command again to write it");
            }
        }
        parent.err.println((dryRun ? "dry run of " : "closed ") + month + " for product " + connection.product + ": "
                + result.rows().size() + " rows, " + billed + " units billed" + files);
        for (String failure : result.failures()) {
            parent.err.println("tollgate-vendor: not closed: " + failure);
        }
        parent.err.flush();
        return result.failures().isEmpty() ? 0 : 1;
    }
}
