package dev.tollgate.agent.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Binds {@code features:}: each feature's mode, cost, bound, exception, failure policy, data object, refund
 * and {@code sync} with the keys that tune it, checked against each other. Keeps every declared name (also
 * those with problems, so that {@code retrofit:} and {@code local.credits} do not report them again) and the
 * bound of each feature, which {@link LocalBinder} checks against the opening balance.
 *
 * <pre>{@code
 * FeaturesBinder features = new FeaturesBinder(values, Config.BackendKind.LOCAL);
 * Map<String, Feature> byName = features.bind(top.get("features"));
 * }</pre>
 */
final class FeaturesBinder {

    /** {@code leaseFor} below this would lease at every look of the sync thread; above it, hold credits for too long. */
    static final long MIN_LEASE_FOR_MILLIS = 100;
    static final long MAX_LEASE_FOR_MILLIS = 3_600_000;

    private final Values values;
    private final Config.BackendKind backend;
    /** Every name under features:, also those with problems, so that their problems are not repeated. */
    private final Set<String> declared = new HashSet<>();
    /** The {@code bound} of each feature that has one, to check it against the opening balance. */
    private final Map<String, YamlNode> bounds = new HashMap<>();

    FeaturesBinder(Values values, Config.BackendKind backend) {
        this.values = values;
        this.backend = backend;
    }

    /** {@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}}, without a regular expression. */
    static boolean isFeatureName(String name) {
        if (name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code name} is under {@code features:}, read or not. */
    boolean declared(String name) {
        return declared.contains(name);
    }

    /** The node of {@code name}'s {@code bound}, or null. */
    YamlNode boundNode(String name) {
        return bounds.get(name);
    }

    Map<String, Feature> bind(YamlNode node) {
        Map<String, Feature> features = new LinkedHashMap<>();
        if (node == null) {
            return features;
        }
        Map<String, YamlNode> byName = values.mapping(node, "features");
        if (byName == null) {
            return features;
        }
        for (Map.Entry<String, YamlNode> e : byName.entrySet()) {
            String name = e.getKey();
            String key = "features." + name;
            declared.add(name);
            if (!isFeatureName(name)) {
                values.problem(e.getValue(), key, "a feature name is 1 to 64 letters, digits, '.', '_' or '-', "
                        + "starting with a letter or digit");
                continue;
            }
            Map<String, YamlNode> f = values.mapping(e.getValue(), key);
            if (f == null) {
                continue;
            }
            values.allowOnly(f, key, "mode", "cost", "bound", "exception", "onBackendFailure", "dataObject", "refund",
                    "sync", "block", "leaseFor", "flushEvery", "flushUnits", "grace");
            Feature.Mode mode = null;
            if (!f.containsKey("mode")) {
                values.problem(e.getValue(), key + ".mode", "missing: say credits (pay upfront) or usage (pay per use)");
            } else {
                String m = values.choice(f.get("mode"), key + ".mode", "credits", "usage");
                if (m != null) {
                    mode = Feature.Mode.valueOf(m.toUpperCase(Locale.ROOT));
                }
            }
            int cost = 1;
            if (f.containsKey("cost")) {
                Long c = values.whole(f.get("cost"), key + ".cost", 1, Integer.MAX_VALUE);
                if (c != null) {
                    cost = c.intValue();
                }
            }
            Long bound = f.containsKey("bound")
                    ? values.whole(f.get("bound"), key + ".bound", Integer.MIN_VALUE, Integer.MAX_VALUE) : null;
            if (bound != null) {
                bounds.put(name, f.get("bound"));
                if (mode == Feature.Mode.USAGE && bound < 0) {
                    values.problem(f.get("bound"), key + ".bound", "a usage cap below 0 cannot be met (usage starts at 0 "
                            + "and only grows), got " + bound + "; write the most units a customer may use");
                    bound = null;
                }
            }
            String exception = f.containsKey("exception") ? values.className(f.get("exception"), key + ".exception") : null;
            Feature.OnFailure onFailure = Feature.OnFailure.DENY;
            boolean onFailureKnown = true;
            if (f.containsKey("onBackendFailure")) {
                String p = values.choice(f.get("onBackendFailure"), key + ".onBackendFailure", "deny", "allow", "grace");
                onFailureKnown = p != null;
                if (p != null) {
                    onFailure = Feature.OnFailure.valueOf(p.toUpperCase(Locale.ROOT));
                }
            }
            Sync sync = sync(f, key, mode, onFailure, onFailureKnown);
            boolean refund = f.containsKey("refund")
                    && "onException".equals(values.choice(f.get("refund"), key + ".refund", "never", "onException"));
            String counter = name;
            if (f.containsKey("dataObject")) {
                String d = values.text(f.get("dataObject"), key + ".dataObject");
                if (d != null) {
                    if (isFeatureName(d)) {
                        counter = d;
                    } else {
                        values.problem(f.get("dataObject"), key + ".dataObject",
                                "a data object name is 1 to 64 letters, digits, '.', '_' or '-'");
                    }
                }
            }
            if (mode != null) {
                features.put(name, new Feature(name, mode, cost, bound, exception, onFailure, counter, refund, sync,
                        values.line(e.getValue()), f.containsKey("exception") ? values.line(f.get("exception")) : 0));
            }
        }
        return features;
    }

    /**
     * {@code sync} and the keys that tune it, checked against the mode, the failure policy and each other.
     * Without {@code sync} the default depends on the backend and the mode (see {@link #defaultSync}); with
     * a mode or a {@code sync} that could not be read, the checks that need them are skipped, the problem
     * being reported already.
     */
    private Sync sync(Map<String, YamlNode> f, String key, Feature.Mode mode,
            Feature.OnFailure onFailure, boolean onFailureKnown) {
        Sync.Strategy strategy = null;
        String said = null; // how the strategy came about, for messages
        if (f.containsKey("sync")) {
            String s = values.choice(f.get("sync"), key + ".sync", "strict", "leased", "batched");
            if (s != null) {
                strategy = Sync.Strategy.valueOf(s.toUpperCase(Locale.ROOT));
                said = s;
            }
        } else if (mode != null) {
            strategy = defaultSync(backend, mode);
            said = strategy.name().toLowerCase(Locale.ROOT) + " (the default for a "
                    + mode.name().toLowerCase(Locale.ROOT) + " feature on the "
                    + backend.name().toLowerCase(Locale.ROOT) + " backend)";
        }
        if (f.containsKey("sync") && strategy != null && mode != null) {
            if (strategy == Sync.Strategy.LEASED && mode == Feature.Mode.USAGE) {
                values.problem(f.get("sync"), key + ".sync", "leased is for credits features; a usage feature is "
                        + "batched or strict");
            } else if (strategy == Sync.Strategy.BATCHED && mode == Feature.Mode.CREDITS) {
                values.problem(f.get("sync"), key + ".sync", "batched is for usage features; a credits feature is "
                        + "leased or strict");
            }
        }

        int block = Sync.DEFAULT_BLOCK;
        if (f.containsKey("block")) {
            Long b = values.whole(f.get("block"), key + ".block", 1, 1_000_000);
            if (b != null) {
                block = b.intValue();
                if (strategy == Sync.Strategy.STRICT) {
                    values.problem(f.get("block"), key + ".block", "is used only by sync: leased or batched; "
                            + "sync here is " + said);
                }
            }
        }
        long leaseFor = Sync.DEFAULT_LEASE_FOR_MILLIS;
        if (f.containsKey("leaseFor")) {
            Long ms = values.duration(f.get("leaseFor"), key + ".leaseFor");
            if (ms != null) {
                if (ms < MIN_LEASE_FOR_MILLIS || ms > MAX_LEASE_FOR_MILLIS) {
                    values.problem(f.get("leaseFor"), key + ".leaseFor", "must be between 100ms and 1h");
                } else {
                    leaseFor = ms;
                }
                if (strategy == Sync.Strategy.STRICT) {
                    values.problem(f.get("leaseFor"), key + ".leaseFor", "is used only by sync: leased or batched; "
                            + "sync here is " + said);
                }
            }
        }
        long flushEvery = Sync.DEFAULT_FLUSH_EVERY_MILLIS;
        if (f.containsKey("flushEvery")) {
            Long ms = values.duration(f.get("flushEvery"), key + ".flushEvery");
            if (ms != null) {
                flushEvery = ms;
                onlyBatched(f.get("flushEvery"), key + ".flushEvery", strategy, said);
            }
        }
        long flushUnits = Sync.DEFAULT_FLUSH_UNITS;
        if (f.containsKey("flushUnits")) {
            Long u = values.whole(f.get("flushUnits"), key + ".flushUnits", 1, Integer.MAX_VALUE);
            if (u != null) {
                flushUnits = u;
                onlyBatched(f.get("flushUnits"), key + ".flushUnits", strategy, said);
            }
        }

        long graceUnits = 0;
        long graceMillis = 0;
        if (onFailure == Feature.OnFailure.GRACE) {
            if (strategy == Sync.Strategy.STRICT) {
                values.problem(f.get("onBackendFailure"), key + ".onBackendFailure", "grace needs sync: leased or "
                        + "batched (strict has no journal to serve from); sync here is " + said);
            }
            if (!f.containsKey("grace")) {
                values.problem(f.get("onBackendFailure"), key + ".grace", "missing: onBackendFailure is grace, so say "
                        + "how much or how long, e.g. grace: { units: 500, time: 24h }");
            } else {
                Map<String, YamlNode> g = values.mapping(f.get("grace"), key + ".grace");
                if (g != null) {
                    values.allowOnly(g, key + ".grace", "units", "time");
                    if (g.containsKey("units")) {
                        Long u = values.whole(g.get("units"), key + ".grace.units", 1, Integer.MAX_VALUE);
                        graceUnits = u == null ? 0 : u;
                    }
                    if (g.containsKey("time")) {
                        Long ms = values.duration(g.get("time"), key + ".grace.time");
                        graceMillis = ms == null ? 0 : ms;
                    }
                    if (!g.containsKey("units") && !g.containsKey("time")) {
                        values.problem(f.get("grace"), key + ".grace", "needs units, time or both, e.g. "
                                + "grace: { units: 500, time: 24h }");
                    }
                }
            }
        } else if (f.containsKey("grace") && onFailureKnown) {
            values.problem(f.get("grace"), key + ".grace", "grace applies only with onBackendFailure: grace");
        }
        return new Sync(strategy == null ? Sync.Strategy.STRICT : strategy, block, leaseFor, flushEvery,
                flushUnits, graceUnits, graceMillis);
    }

    private void onlyBatched(YamlNode node, String key, Sync.Strategy strategy, String said) {
        if (strategy == Sync.Strategy.STRICT || strategy == Sync.Strategy.LEASED) {
            values.problem(node, key, "is used only by sync: batched; sync here is " + said);
        }
    }

    /**
     * {@code sync} when the config does not say: on the embedded ledger the journaled strategy of the mode,
     * {@code leased} for credits and {@code batched} for usage; on {@code cryptolens} {@code strict}.
     */
    static Sync.Strategy defaultSync(Config.BackendKind backend, Feature.Mode mode) {
        if (backend == Config.BackendKind.CRYPTOLENS) {
            return Sync.Strategy.STRICT;
        }
        return mode == Feature.Mode.CREDITS ? Sync.Strategy.LEASED : Sync.Strategy.BATCHED;
    }
}
