package dev.tollgate.vendor.cli;

import dev.tollgate.vendor.api.ApiFailure;
import dev.tollgate.vendor.api.DataValue;
import dev.tollgate.vendor.api.KeyData;
import dev.tollgate.vendor.api.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code usage}: every key of the product with its counters, one row per key and data object (a key
 * without any gets one row with no feature). The tool's own records ({@code tollgate.*}) are left out.
 */
@Command(name = "usage", mixinStandardHelpOptions = true, description = "Every key of the product with its counters (feature, value), one row each.")
final class UsageCommand implements Callable<Integer> {
    static final List<String> HEADERS = List.of("key", "feature", "value");

    @ParentCommand
    VendorCommand parent;

    @Mixin
    Connection connection = new Connection();

    @Option(names = "--key", paramLabel = "KEY", description = "One key instead of all.")
    String key;

    @Option(names = "--feature", paramLabel = "NAME", split = ",", description = "Only these counters.")
    List<String> features;

    @Override
    public Integer call() throws CommandFailure {
        Connection.Opened opened = connection.open(parent.env);
        Progress progress = new Progress(parent.err, Progress.wanted(connection.progress), "usage " + connection.product);
        List<KeyData> keys;
        try {
            if (key != null) {
                keys = List.of(opened.api().dataObjects(connection.product, key));
            } else {
                keys = new Keys(opened.api()).all(connection.product, progress);
            }
        } catch (ApiFailure e) {
            throw new CommandFailure(Failures.describe(e, connection.product, key));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (KeyData k : keys) {
            int before = rows.size();
            for (DataValue object : k.dataObjects()) {
                String name = object.name() == null ? "" : object.name();
                if (!name.startsWith("tollgate.") && (features == null || features.contains(name))) {
                    rows.add(List.of(k.key(), name, object.intValue()));
                }
            }
            if (rows.size() == before && features == null) {
                rows.add(List.of(k.key(), "", ""));
            }
        }
        progress.finish();
        connection.format.print(parent.out, HEADERS, rows);
        return 0;
    }
}
