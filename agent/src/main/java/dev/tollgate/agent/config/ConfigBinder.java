package dev.tollgate.agent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds one YAML document into a {@link Config}: checks the top-level keys, then hands each section to its
 * binder, in an order where a section can use what an earlier one read (features before {@code retrofit:} and
 * {@code local.credits}). A new section is a new binder and one more name in {@link #SECTIONS}.
 *
 * <pre>{@code
 * Config config = new ConfigBinder(values).bind(root);
 * }</pre>
 */
final class ConfigBinder {

    /** The top-level keys, in the order the README documents them. */
    static final String[] SECTIONS = {"backend", "local", "cryptolens", "features", "retrofit", "denied", "log",
        "journal"};

    private final Values values;

    ConfigBinder(Values values) {
        this.values = values;
    }

    /** The config of a document with no values: every default, and the problems found so far. */
    Config empty() {
        return new Config(values.source(), Config.BackendKind.LOCAL, LocalBinder.defaultLedgerDir(values.userHome()),
                new LinkedHashMap<String, Long>(), null, new LinkedHashMap<String, Feature>(), null, 0, null,
                new ArrayList<Rule>(), JournalSettings.defaults(), values.problems());
    }

    Config bind(YamlNode root) {
        if (root == null) {
            return empty(); // an empty file: all defaults
        }
        Map<String, YamlNode> top = values.mapping(root, "");
        if (top == null) {
            return empty();
        }
        values.allowOnly(top, "", SECTIONS);

        LocalBinder local = new LocalBinder(values);
        Config.BackendKind backend = top.containsKey("backend") ? local.backend(top.get("backend"))
                : Config.BackendKind.LOCAL;

        FeaturesBinder featuresBinder = new FeaturesBinder(values, backend);
        Map<String, Feature> features = top.containsKey("features") ? featuresBinder.bind(top.get("features"))
                : new LinkedHashMap<String, Feature>();
        List<Rule> rules = top.containsKey("retrofit")
                ? new RetrofitBinder(values, featuresBinder).bind(top.get("retrofit"), features)
                : new ArrayList<Rule>();

        if (top.containsKey("local")) {
            local.bind(top.get("local"), featuresBinder, features);
        }

        CryptolensSettings cryptolens = null;
        if (top.containsKey("cryptolens")) {
            cryptolens = new CryptolensBinder(values).bind(top.get("cryptolens"));
        } else if (backend == Config.BackendKind.CRYPTOLENS) {
            values.problem(top.get("backend"), "cryptolens", "missing: backend is cryptolens, so the cryptolens: "
                    + "section needs url, token, productId and key");
        }

        DeniedBinder denied = new DeniedBinder(values);
        if (top.containsKey("denied")) {
            denied.bind(top.get("denied"));
        }
        String logLevel = top.containsKey("log") ? new LogBinder(values).bind(top.get("log")) : null;
        JournalSettings journal = top.containsKey("journal") ? new JournalBinder(values).bind(top.get("journal"))
                : JournalSettings.defaults();
        Path ledgerDir = local.ledgerDir();
        return new Config(values.source(), backend, ledgerDir, local.credits(), cryptolens, features,
                denied.exception(), denied.line(), logLevel, rules, journal, values.problems())
                .withCustomer(local.customer());
    }
}
