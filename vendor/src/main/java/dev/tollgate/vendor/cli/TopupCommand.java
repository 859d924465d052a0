package dev.tollgate.vendor.cli;

import dev.tollgate.vendor.api.ApiFailure;
import dev.tollgate.vendor.api.Backoff;
import dev.tollgate.vendor.billing.KeyFailure;
import dev.tollgate.vendor.billing.Topup;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code topup}: adds prepaid credits to one key's counter, once per order id. */
@Command(name = "topup", mixinStandardHelpOptions = true, description = "Add prepaid credits to a key's counter (created if missing), once per order id.")
final class TopupCommand implements Callable<Integer> {
    static final int MAX_UNITS = (1 << 29) - 1;

    @ParentCommand
    VendorCommand parent;

    @Mixin
    Connection connection = new Connection();

    @Option(names = "--key", paramLabel = "KEY", required = true, description = "The license key.")
    String key;

    @Option(names = "--feature", paramLabel = "NAME", required = true, description = "The credits counter.")
    String feature;

    @Option(names = "--units", paramLabel = "N", required = true, description = "How many credits to add.")
    int units;

    @Option(names = "--order", paramLabel = "ID", required = true,
            description = "The order id; the same id on the same key adds once.")
    String order;

    @Override
    public Integer call() throws CommandFailure {
        if (units < 1 || units > MAX_UNITS) {
            throw new CommandFailure("--units must be from 1 to " + MAX_UNITS + ", not " + units);
        }
        if (!order.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new CommandFailure("--order must be 1 to 64 letters, digits, '.', '_' or '-', not: " + order);
        }
        if (feature.isBlank() || feature.startsWith("tollgate.")) {
            throw new CommandFailure("--feature " + feature + " is not a credits counter's name");
        }
        Connection.Opened opened = connection.open(parent.env);
        Topup.Result result;
        try {
            result = new Topup(opened.api(), opened.seal(), Backoff.standard())
                    .apply(connection.product, key, feature, units, order);
        } catch (ApiFailure e) {
            throw new CommandFailure(Failures.describe(e, connection.product, key)
                    + "; run the same command again once fixed: the order is applied once");
        } catch (KeyFailure e) {
            throw new CommandFailure("key " + key + ": " + e.getMessage());
        }
        List<Object> row = List.of(key, feature, order, result.applied() ? units : 0, result.balance(),
                result.applied() ? "applied" : "already applied");
        connection.format.print(parent.out, List.of("key", "feature", "order", "added", "balance", "status"), List.of(row));
        return 0;
    }
}
