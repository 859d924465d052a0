package dev.tollgate.agent.config;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binds {@code backend:} and {@code local:}: which backend holds the counters, and for the embedded ledger its
 * folder ({@code local.dir}, default {@code ~/.tollgate/ledger}) and the opening balance of each credits feature
 * ({@code local.credits}), checked against the feature's bound.
 *
 * <pre>{@code
 * backend: local
 * local:
 *   dir: ~/.acme/ledger
 *   credits: { export: 100 }
 * }</pre>
 */
final class LocalBinder {

    private final Values values;
    private Path ledgerDir;
    private Map<String, Long> credits = new LinkedHashMap<>();
    private String customer;

    LocalBinder(Values values) {
        this.values = values;
        this.ledgerDir = defaultLedgerDir(values.userHome());
    }

    static Path defaultLedgerDir(String userHome) {
        return Paths.get(userHome, ".tollgate", "ledger");
    }

    /** {@code backend:}; {@code local} when absent or unreadable. */
    Config.BackendKind backend(YamlNode node) {
        if (node != null && "cryptolens".equals(values.choice(node, "backend", "local", "cryptolens"))) {
            return Config.BackendKind.CRYPTOLENS;
        }
        return Config.BackendKind.LOCAL;
    }

    /** {@code local:}; read {@link #ledgerDir()} and {@link #credits()} afterwards. */
    void bind(YamlNode node, FeaturesBinder declared, Map<String, Feature> features) {
        Map<String, YamlNode> local = values.mapping(node, "local");
        if (local == null) {
            return;
        }
        values.allowOnly(local, "local", "dir", "credits", "customer");
        if (local.containsKey("customer")) {
            customer = values.text(local.get("customer"), "local.customer");
        }
        if (local.containsKey("dir")) {
            Path dir = values.folder(local.get("dir"), "local.dir", "the ledger");
            if (dir != null) {
                ledgerDir = dir;
            }
        }
        if (local.containsKey("credits")) {
            credits = openingCredits(local.get("credits"), declared, features);
        }
    }

    Path ledgerDir() {
        return ledgerDir;
    }

    /** {@code local.customer}: who this install is, for the vendor's signed top-ups; null when not set. */
    String customer() {
        return customer;
    }

    /** The opening balances, keyed by each feature's counter (its data object), which the ledger charges. */
    Map<String, Long> credits() {
        return credits;
    }

    private Map<String, Long> openingCredits(YamlNode node, FeaturesBinder declared, Map<String, Feature> features) {
        Map<String, Long> opening = new LinkedHashMap<>();
        Map<String, YamlNode> byName = values.mapping(node, "local.credits");
        if (byName == null) {
            return opening;
        }
        for (Map.Entry<String, YamlNode> e : byName.entrySet()) {
            String key = "local.credits." + e.getKey();
            Long amount = values.whole(e.getValue(), key, 0, Integer.MAX_VALUE);
            Feature f = features.get(e.getKey());
            if (f == null && declared.declared(e.getKey())) {
                continue; // the feature itself has a problem, reported where it is declared
            } else if (f == null) {
                values.problem(e.getValue(), key, "no feature '" + e.getKey() + "' under features:"
                        + DidYouMean.suggestion(e.getKey(), features.keySet()));
            } else if (f.mode() != Feature.Mode.CREDITS) {
                values.problem(e.getValue(), key, "'" + e.getKey() + "' is a usage feature; opening credits are for "
                        + "credits features");
            } else if (amount != null) {
                opening.put(f.counter(), amount); // the ledger charges the counter (dataObject), not the name
                if (f.lowerBound() > amount) {
                    values.problem(declared.boundNode(f.name()), "features." + f.name() + ".bound", f.lowerBound()
                            + " is above the opening balance " + key + ": " + amount + " (line "
                            + values.line(e.getValue()) + "): every call would be denied; the bound is the lowest "
                            + "balance, usually 0");
                }
            }
        }
        return opening;
    }
}
