package dev.tollgate.agent.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tollgate.agent.backend.Loopback;

/**
 * Finds and reads the YAML config. It never throws: everything wrong becomes a {@link Problem} with
 * the file, the line and the key, and a config with problems is not trusted.
 *
 * <p>Where the config comes from, first match wins: the agent argument
 * ({@code -javaagent:tollgate-agent.jar=/etc/acme/tollgate.yml}), {@code -Dtollgate.config},
 * the environment variable {@code TOLLGATE_CONFIG}, else {@code ./tollgate.yml} when present.
 * {@code ${NAME}} (or {@code ${NAME:-default}}) in a value is read from the environment.
 */
public final class ConfigLoader {

    /** Environment variable naming the config file. */
    public static final String ENV_CONFIG = "TOLLGATE_CONFIG";
    /** System property naming the config file. */
    public static final String PROPERTY_CONFIG = "tollgate.config";
    /** The file looked for in the working directory when nothing names one. */
    public static final String DEFAULT_FILE = "tollgate.yml";

    /**
     * Compiled on first use: a plain config needs none of them, and compiling regular expressions cold
     * costs every product milliseconds of startup.
     */
    private static final class Patterns {
        static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
        static final Pattern CLASS_NAME =
                Pattern.compile("([\\p{L}_$][\\p{L}\\p{N}_$]*\\.)*[\\p{L}_$][\\p{L}\\p{N}_$]*");
        static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s)?");
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

    /** The environment; null until needed when it is the real one (reading it costs startup time). */
    private Map<String, String> env;
    private final String userHome;

    /** A loader that reads the real environment (when a value needs it) and {@code user.home}. */
    public ConfigLoader() {
        this(null, System.getProperty("user.home", "."));
    }

    /** A loader with a given environment; for tests. */
    public ConfigLoader(Map<String, String> env, String userHome) {
        this.env = env;
        this.userHome = userHome;
    }

    private Map<String, String> env() {
        if (env == null) {
            env = System.getenv();
        }
        return env;
    }

    /**
     * Locates and reads the config.
     *
     * @param agentArgument the text after {@code =} in {@code -javaagent:...=}, or null
     * @param property the value of {@code -Dtollgate.config}, or null
     * @param workingDir where {@code ./tollgate.yml} is looked for
     */
    public Config load(String agentArgument, String property, Path workingDir) {
        String named = firstNonBlank(agentArgument, property);
        if (named == null) {
            named = firstNonBlank(env().get(ENV_CONFIG));
        }
        if (named != null) {
            String how = agentArgument != null && !agentArgument.trim().isEmpty() ? "the -javaagent argument"
                    : property != null && !property.trim().isEmpty() ? "-D" + PROPERTY_CONFIG
                    : "the environment variable " + ENV_CONFIG;
            Path file;
            try {
                file = workingDir.resolve(named.trim());
            } catch (InvalidPathException e) {
                return broken(named, "is not a valid path (named by " + how + ")");
            }
            if (Files.isDirectory(file)) {
                return broken(file.toString(), "is a directory, not a config file (named by " + how + "); name the "
                        + "file, e.g. " + file.resolve(DEFAULT_FILE));
            }
            if (!Files.isRegularFile(file)) {
                return broken(file.toString(), "config file not found (named by " + how + ")");
            }
            return read(file);
        }
        Path fallback = workingDir.resolve(DEFAULT_FILE);
        if (Files.isRegularFile(fallback)) {
            return read(fallback);
        }
        return new Reader("(no config file: no -javaagent argument, no -D" + PROPERTY_CONFIG + ", no environment "
                + "variable " + ENV_CONFIG + ", and no " + fallback + (Files.isDirectory(fallback) ? " file (it is a "
                + "directory)" : "") + ")", Paths.get(".")).empty();
    }

    /** Reads one file. */
    public Config read(Path file) {
        if (Files.isDirectory(file)) {
            return broken(file.toString(), "is a directory, not a config file; name the file, e.g. "
                    + file.resolve(DEFAULT_FILE));
        }
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return broken(file.toString(), "cannot read the config file: " + describe(e));
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), base == null ? Paths.get(".") : base);
    }

    /** Parses YAML text; {@code source} names it in problems, relative paths resolve against {@code base}. */
    public Config parse(String text, String source, Path base) {
        Reader reader = new Reader(source, base);
        // The usual plain config is read by QuickYaml; anything else by SnakeYAML, into the same nodes.
        QuickYaml quick = QuickYaml.read(text);
        YamlNode root;
        if (quick != null) {
            root = quick.root;
        } else {
            SnakeYaml snake = SnakeYaml.read(text);
            if (snake.problem != null) {
                reader.problem(snake.problemLine, "", "not valid YAML: " + snake.problem);
                return reader.empty();
            }
            root = snake.root;
        }
        return reader.config(root);
    }

    private Config broken(String source, String message) {
        Reader reader = new Reader(source, Paths.get("."));
        reader.problem(0, "", message);
        return reader.empty();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.trim().isEmpty()) {
                return v;
            }
        }
        return null;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** One pass over one document; collects problems instead of throwing. */
    private final class Reader {
        private final String source;
        private final Path base;
        private final List<Problem> problems = new ArrayList<>();
        /** The line of the key that holds each value, so a problem with a block value names its key's line. */
        private final Map<YamlNode, Integer> keyLines = new IdentityHashMap<>();
        /** Every name under features:, also those with problems, so that their problems are not repeated. */
        private final java.util.Set<String> declaredFeatures = new java.util.HashSet<>();
        /** The {@code bound} of each feature that has one, to check it against the opening balance. */
        private final Map<String, YamlNode> bounds = new java.util.HashMap<>();

        Reader(String source, Path base) {
            this.source = source;
            this.base = base;
        }

        void problem(int line, String key, String message) {
            problems.add(new Problem(source, line, key, message));
        }

        void problem(YamlNode node, String key, String message) {
            problem(line(node), key, message);
        }

        Config empty() {
            return new Config(source, Config.BackendKind.LOCAL, defaultLedgerDir(), new LinkedHashMap<String, Long>(),
                    null, new LinkedHashMap<String, Feature>(), null, 0, null, new ArrayList<Rule>(),
                    JournalSettings.defaults(), problems);
        }

        Config config(YamlNode root) {
            if (root == null) {
                return empty(); // an empty file: all defaults
            }
            Map<String, YamlNode> top = mapping(root, "");
            if (top == null) {
                return empty();
            }
            allowOnly(top, "", "backend", "local", "cryptolens", "features", "retrofit", "denied", "log", "journal");

            Config.BackendKind backend = Config.BackendKind.LOCAL;
            if (top.containsKey("backend")) {
                String b = choice(top.get("backend"), "backend", "local", "cryptolens");
                if ("cryptolens".equals(b)) {
                    backend = Config.BackendKind.CRYPTOLENS;
                }
            }

            Map<String, Feature> features = features(top.get("features"), backend);
            List<Rule> rules = top.containsKey("retrofit") ? retrofit(top.get("retrofit"), features)
                    : new ArrayList<Rule>();

            Path ledgerDir = defaultLedgerDir();
            Map<String, Long> credits = new LinkedHashMap<>();
            if (top.containsKey("local")) {
                Map<String, YamlNode> local = mapping(top.get("local"), "local");
                if (local != null) {
                    allowOnly(local, "local", "dir", "credits");
                    if (local.containsKey("dir")) {
                        String dir = text(local.get("dir"), "local.dir");
                        Path p = dir == null ? null : path(dir, local.get("dir"), "local.dir");
                        if (p != null) {
                            ledgerDir = p;
                            folder(p, local.get("dir"), "local.dir", "the ledger");
                        }
                    }
                    if (local.containsKey("credits")) {
                        credits = openingCredits(local.get("credits"), features);
                    }
                }
            }

            Config.Cryptolens cryptolens = null;
            if (top.containsKey("cryptolens")) {
                cryptolens = cryptolens(top.get("cryptolens"));
            } else if (backend == Config.BackendKind.CRYPTOLENS) {
                problem(top.get("backend"), "cryptolens", "missing: backend is cryptolens, so the cryptolens: "
                        + "section needs url, token, productId and key");
            }

            String deniedException = null;
            int deniedLine = 0;
            if (top.containsKey("denied")) {
                Map<String, YamlNode> denied = mapping(top.get("denied"), "denied");
                if (denied != null) {
                    allowOnly(denied, "denied", "exception");
                    if (denied.containsKey("exception")) {
                        deniedException = className(denied.get("exception"), "denied.exception");
                        deniedLine = line(denied.get("exception"));
                    }
                }
            }

            String logLevel = null;
            if (top.containsKey("log")) {
                Map<String, YamlNode> log = mapping(top.get("log"), "log");
                if (log != null) {
                    allowOnly(log, "log", "level");
                    if (log.containsKey("level")) {
                        logLevel = choice(log.get("level"), "log.level", "debug", "info", "warn", "error", "off");
                    }
                }
            }
            JournalSettings journal = top.containsKey("journal") ? journal(top.get("journal"))
                    : JournalSettings.defaults();
            return new Config(source, backend, ledgerDir, credits, cryptolens, features, deniedException, deniedLine,
                    logLevel, rules, journal, problems);
        }

        /** {@code journal:}; every key has a default, and {@code dir} resolves like {@code local.dir}. */
        private JournalSettings journal(YamlNode node) {
            JournalSettings defaults = JournalSettings.defaults();
            Map<String, YamlNode> j = mapping(node, "journal");
            if (j == null) {
                return defaults;
            }
            allowOnly(j, "journal", "dir", "fsync", "fsyncEvery");
            Path dir = defaults.dir();
            if (j.containsKey("dir")) {
                String d = text(j.get("dir"), "journal.dir");
                dir = d == null ? null : path(d, j.get("dir"), "journal.dir");
                if (dir != null) {
                    folder(dir, j.get("dir"), "journal.dir", "the journal");
                }
            }
            JournalSettings.Fsync fsync = defaults.fsync();
            boolean fsyncKnown = true;
            if (j.containsKey("fsync")) {
                String f = choice(j.get("fsync"), "journal.fsync", "never", "interval", "always");
                fsyncKnown = f != null;
                if (f != null) {
                    fsync = JournalSettings.Fsync.valueOf(f.toUpperCase(Locale.ROOT));
                }
            }
            long every = defaults.fsyncEveryMillis();
            if (j.containsKey("fsyncEvery")) {
                Long ms = duration(j.get("fsyncEvery"), "journal.fsyncEvery");
                if (ms != null) {
                    every = ms;
                    if (fsyncKnown && fsync != JournalSettings.Fsync.INTERVAL) {
                        problem(j.get("fsyncEvery"), "journal.fsyncEvery", "applies only with fsync: interval; "
                                + "fsync here is " + fsync.name().toLowerCase(Locale.ROOT));
                    }
                }
            }
            return new JournalSettings(dir, fsync, every);
        }

        private Map<String, Feature> features(YamlNode node, Config.BackendKind backend) {
            Map<String, Feature> features = new LinkedHashMap<>();
            if (node == null) {
                return features;
            }
            Map<String, YamlNode> byName = mapping(node, "features");
            if (byName == null) {
                return features;
            }
            for (Map.Entry<String, YamlNode> e : byName.entrySet()) {
                String name = e.getKey();
                String key = "features." + name;
                declaredFeatures.add(name);
                if (!isFeatureName(name)) {
                    problem(e.getValue(), key, "a feature name is 1 to 64 letters, digits, '.', '_' or '-', "
                            + "starting with a letter or digit");
                    continue;
                }
                Map<String, YamlNode> f = mapping(e.getValue(), key);
                if (f == null) {
                    continue;
                }
                allowOnly(f, key, "mode", "cost", "bound", "exception", "onBackendFailure", "dataObject", "refund",
                        "sync", "block", "flushEvery", "flushUnits", "grace");
                Feature.Mode mode = null;
                if (!f.containsKey("mode")) {
                    problem(e.getValue(), key + ".mode", "missing: say credits (pay upfront) or usage (pay per use)");
                } else {
                    String m = choice(f.get("mode"), key + ".mode", "credits", "usage");
                    if (m != null) {
                        mode = Feature.Mode.valueOf(m.toUpperCase(Locale.ROOT));
                    }
                }
                int cost = 1;
                if (f.containsKey("cost")) {
                    Long c = whole(f.get("cost"), key + ".cost", 1, Integer.MAX_VALUE);
                    if (c != null) {
                        cost = c.intValue();
                    }
                }
                Long bound = f.containsKey("bound")
                        ? whole(f.get("bound"), key + ".bound", Integer.MIN_VALUE, Integer.MAX_VALUE) : null;
                if (bound != null) {
                    bounds.put(name, f.get("bound"));
                    if (mode == Feature.Mode.USAGE && bound < 0) {
                        problem(f.get("bound"), key + ".bound", "a usage cap below 0 cannot be met (usage starts at 0 "
                                + "and only grows), got " + bound + "; write the most units a customer may use");
                        bound = null;
                    }
                }
                String exception = f.containsKey("exception") ? className(f.get("exception"), key + ".exception") : null;
                Feature.OnFailure onFailure = Feature.OnFailure.DENY;
                boolean onFailureKnown = true;
                if (f.containsKey("onBackendFailure")) {
                    String p = choice(f.get("onBackendFailure"), key + ".onBackendFailure", "deny", "allow", "grace");
                    onFailureKnown = p != null;
                    if (p != null) {
                        onFailure = Feature.OnFailure.valueOf(p.toUpperCase(Locale.ROOT));
                    }
                }
                Sync sync = sync(f, key, backend, mode, onFailure, onFailureKnown);
                boolean refund = f.containsKey("refund")
                        && "onException".equals(choice(f.get("refund"), key + ".refund", "never", "onException"));
                String counter = name;
                if (f.containsKey("dataObject")) {
                    String d = text(f.get("dataObject"), key + ".dataObject");
                    if (d != null) {
                        if (isFeatureName(d)) {
                            counter = d;
                        } else {
                            problem(f.get("dataObject"), key + ".dataObject",
                                    "a data object name is 1 to 64 letters, digits, '.', '_' or '-'");
                        }
                    }
                }
                if (mode != null) {
                    features.put(name, new Feature(name, mode, cost, bound, exception, onFailure, counter, refund, sync,
                            line(e.getValue()), f.containsKey("exception") ? line(f.get("exception")) : 0));
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
        private Sync sync(Map<String, YamlNode> f, String key, Config.BackendKind backend, Feature.Mode mode,
                Feature.OnFailure onFailure, boolean onFailureKnown) {
            Sync.Strategy strategy = null;
            String said = null; // how the strategy came about, for messages
            if (f.containsKey("sync")) {
                String s = choice(f.get("sync"), key + ".sync", "strict", "leased", "batched");
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
                    problem(f.get("sync"), key + ".sync", "leased is for credits features; a usage feature is "
                            + "batched or strict");
                } else if (strategy == Sync.Strategy.BATCHED && mode == Feature.Mode.CREDITS) {
                    problem(f.get("sync"), key + ".sync", "batched is for usage features; a credits feature is "
                            + "leased or strict");
                }
            }

            int block = Sync.DEFAULT_BLOCK;
            if (f.containsKey("block")) {
                Long b = whole(f.get("block"), key + ".block", 1, 1_000_000);
                if (b != null) {
                    block = b.intValue();
                    if (strategy == Sync.Strategy.STRICT) {
                        problem(f.get("block"), key + ".block", "is used only by sync: leased or batched; "
                                + "sync here is " + said);
                    }
                }
            }
            long flushEvery = Sync.DEFAULT_FLUSH_EVERY_MILLIS;
            if (f.containsKey("flushEvery")) {
                Long ms = duration(f.get("flushEvery"), key + ".flushEvery");
                if (ms != null) {
                    flushEvery = ms;
                    onlyBatched(f.get("flushEvery"), key + ".flushEvery", strategy, said);
                }
            }
            long flushUnits = Sync.DEFAULT_FLUSH_UNITS;
            if (f.containsKey("flushUnits")) {
                Long u = whole(f.get("flushUnits"), key + ".flushUnits", 1, Integer.MAX_VALUE);
                if (u != null) {
                    flushUnits = u;
                    onlyBatched(f.get("flushUnits"), key + ".flushUnits", strategy, said);
                }
            }

            long graceUnits = 0;
            long graceMillis = 0;
            if (onFailure == Feature.OnFailure.GRACE) {
                if (strategy == Sync.Strategy.STRICT) {
                    problem(f.get("onBackendFailure"), key + ".onBackendFailure", "grace needs sync: leased or "
                            + "batched (strict has no journal to serve from); sync here is " + said);
                }
                if (!f.containsKey("grace")) {
                    problem(f.get("onBackendFailure"), key + ".grace", "missing: onBackendFailure is grace, so say "
                            + "how much or how long, e.g. grace: { units: 500, time: 24h }");
                } else {
                    Map<String, YamlNode> g = mapping(f.get("grace"), key + ".grace");
                    if (g != null) {
                        allowOnly(g, key + ".grace", "units", "time");
                        if (g.containsKey("units")) {
                            Long u = whole(g.get("units"), key + ".grace.units", 1, Integer.MAX_VALUE);
                            graceUnits = u == null ? 0 : u;
                        }
                        if (g.containsKey("time")) {
                            Long ms = duration(g.get("time"), key + ".grace.time");
                            graceMillis = ms == null ? 0 : ms;
                        }
                        if (!g.containsKey("units") && !g.containsKey("time")) {
                            problem(f.get("grace"), key + ".grace", "needs units, time or both, e.g. "
                                    + "grace: { units: 500, time: 24h }");
                        }
                    }
                }
            } else if (f.containsKey("grace") && onFailureKnown) {
                problem(f.get("grace"), key + ".grace", "grace applies only with onBackendFailure: grace");
            }
            return new Sync(strategy == null ? Sync.Strategy.STRICT : strategy, block, flushEvery, flushUnits,
                    graceUnits, graceMillis);
        }

        private void onlyBatched(YamlNode node, String key, Sync.Strategy strategy, String said) {
            if (strategy == Sync.Strategy.STRICT || strategy == Sync.Strategy.LEASED) {
                problem(node, key, "is used only by sync: batched; sync here is " + said);
            }
        }

        /** {@code retrofit:}, a list of rules; see {@link MethodPattern} for the pattern language. */
        private List<Rule> retrofit(YamlNode node, Map<String, Feature> features) {
            List<Rule> rules = new ArrayList<>();
            if (isNull(node)) {
                return rules; // 'retrofit:' with nothing under it: no rules
            }
            if (!(node instanceof YamlNode.Sequence)) {
                problem(node, "retrofit", "must be a list of rules, each '- method: " + MethodPattern.EXAMPLE
                        + "' with its feature");
                return rules;
            }
            List<YamlNode> items = ((YamlNode.Sequence) node).items;
            for (int i = 0; i < items.size(); i++) {
                String key = "retrofit[" + i + "]";
                YamlNode item = items.get(i);
                Map<String, YamlNode> r = mapping(item, key);
                if (r == null) {
                    continue;
                }
                allowOnly(r, key, "method", "feature", "cost");
                MethodPattern pattern = null;
                if (!r.containsKey("method")) {
                    problem(item, key + ".method", "missing: the method to meter, e.g. " + MethodPattern.EXAMPLE);
                } else {
                    String text = text(r.get("method"), key + ".method");
                    if (text != null) {
                        try {
                            pattern = MethodPattern.parse(text);
                        } catch (MethodPattern.Invalid e) {
                            problem(r.get("method"), key + ".method", e.getMessage());
                        }
                    }
                }
                String feature = null;
                if (!r.containsKey("feature")) {
                    problem(item, key + ".feature", "missing: the feature each call charges, one of features:");
                } else {
                    feature = text(r.get("feature"), key + ".feature");
                    if (feature != null && !declaredFeatures.contains(feature)) {
                        problem(r.get("feature"), key + ".feature", "no feature '" + feature + "' under features:"
                                + suggestion(feature, features.keySet()));
                    }
                }
                int cost = 0;
                if (r.containsKey("cost")) {
                    Long c = whole(r.get("cost"), key + ".cost", 1, Integer.MAX_VALUE);
                    if (c != null) {
                        cost = c.intValue();
                    }
                }
                if (pattern != null && feature != null) {
                    rules.add(new Rule(i, line(item), source, pattern, feature, cost));
                }
            }
            return rules;
        }

        private Map<String, Long> openingCredits(YamlNode node, Map<String, Feature> features) {
            Map<String, Long> credits = new LinkedHashMap<>();
            Map<String, YamlNode> byName = mapping(node, "local.credits");
            if (byName == null) {
                return credits;
            }
            for (Map.Entry<String, YamlNode> e : byName.entrySet()) {
                String key = "local.credits." + e.getKey();
                Long amount = whole(e.getValue(), key, 0, Integer.MAX_VALUE);
                Feature f = features.get(e.getKey());
                if (f == null && declaredFeatures.contains(e.getKey())) {
                    continue; // the feature itself has a problem, reported where it is declared
                } else if (f == null) {
                    problem(e.getValue(), key, "no feature '" + e.getKey() + "' under features:"
                            + suggestion(e.getKey(), features.keySet()));
                } else if (f.mode() != Feature.Mode.CREDITS) {
                    problem(e.getValue(), key, "'" + e.getKey() + "' is a usage feature; opening credits are for "
                            + "credits features");
                } else if (amount != null) {
                    credits.put(f.counter(), amount); // the ledger charges the counter (dataObject), not the name
                    if (f.lowerBound() > amount) {
                        problem(bounds.get(f.name()), "features." + f.name() + ".bound", f.lowerBound() + " is above "
                                + "the opening balance " + key + ": " + amount + " (line " + line(e.getValue()) + "): "
                                + "every call would be denied; the bound is the lowest balance, usually 0");
                    }
                }
            }
            return credits;
        }

        private Config.Cryptolens cryptolens(YamlNode node) {
            Map<String, YamlNode> c = mapping(node, "cryptolens");
            if (c == null) {
                return null;
            }
            allowOnly(c, "cryptolens", "url", "token", "productId", "key", "machineCode", "allowInsecure",
                    "connectTimeout", "readTimeout");
            String url = c.containsKey("url") ? text(c.get("url"), "cryptolens.url") : "https://api.cryptolens.io";
            String token = required(c, node, "cryptolens.token", "token");
            String key = required(c, node, "cryptolens.key", "key");
            Long productId = null;
            if (c.containsKey("productId")) {
                productId = whole(c.get("productId"), "cryptolens.productId", 1, Integer.MAX_VALUE);
            } else {
                problem(node, "cryptolens.productId", "missing: the product id from the Cryptolens dashboard");
            }
            String machineCode = c.containsKey("machineCode") ? text(c.get("machineCode"), "cryptolens.machineCode")
                    : null;
            boolean insecure = c.containsKey("allowInsecure") && Boolean.TRUE.equals(bool(c.get("allowInsecure"),
                    "cryptolens.allowInsecure"));
            Long connect = c.containsKey("connectTimeout") ? millis(c.get("connectTimeout"), "cryptolens.connectTimeout")
                    : Long.valueOf(5000);
            Long read = c.containsKey("readTimeout") ? millis(c.get("readTimeout"), "cryptolens.readTimeout")
                    : Long.valueOf(10000);
            if (url != null) {
                checkUrl(url, insecure, c.containsKey("url") ? c.get("url") : node);
            }
            if (url == null || token == null || key == null || productId == null || connect == null || read == null) {
                return null;
            }
            return new Config.Cryptolens(url, token, productId, key, machineCode, insecure, connect, read);
        }

        private void checkUrl(String url, boolean insecure, YamlNode node) {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                problem(node, "cryptolens.url", "not a URL: " + url);
                return;
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                problem(node, "cryptolens.url", "must be an https:// URL with a host, got " + url);
            } else if (scheme.equals("http") && !insecure && !Loopback.isLoopback(uri.getHost())) {
                problem(node, "cryptolens.url", "plain http:// is refused except to loopback, because the token "
                        + "would travel unencrypted; use https:// or set cryptolens.allowInsecure: true");
            }
        }

        private String required(Map<String, YamlNode> map, YamlNode parent, String key, String name) {
            if (!map.containsKey(name)) {
                problem(parent, key, "missing");
                return null;
            }
            return text(map.get(name), key);
        }

        // ---- typed values ----

        Map<String, YamlNode> mapping(YamlNode node, String key) {
            if (!(node instanceof YamlNode.Mapping)) {
                problem(node, key, isNull(node) ? "needs keys under it" : "must be a mapping of keys to values");
                return null;
            }
            Map<String, YamlNode> map = new LinkedHashMap<>();
            Map<String, Integer> lines = new LinkedHashMap<>();
            YamlNode.Mapping m = (YamlNode.Mapping) node;
            for (int i = 0; i < m.keys.size(); i++) {
                YamlNode k = m.keys.get(i);
                YamlNode value = m.values.get(i);
                if (!(k instanceof YamlNode.Scalar)) {
                    problem(k, key, "keys must be plain names");
                    continue;
                }
                String name = ((YamlNode.Scalar) k).value;
                String full = key.isEmpty() ? name : key + "." + name;
                if (map.containsKey(name)) {
                    problem(k, full, "appears twice (first on line " + lines.get(name) + ")");
                    continue;
                }
                map.put(name, value);
                lines.put(name, line(k));
                keyLines.put(value, line(k));
            }
            return map;
        }

        void allowOnly(Map<String, YamlNode> map, String prefix, String... allowed) {
            List<String> known = Arrays.asList(allowed);
            for (Map.Entry<String, YamlNode> e : map.entrySet()) {
                if (!known.contains(e.getKey())) {
                    String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                    problem(line(e.getValue()), key, "unknown key" + suggestion(e.getKey(), known)
                            + "; known here: " + String.join(", ", known));
                }
            }
        }

        String text(YamlNode node, String key) {
            if (!(node instanceof YamlNode.Scalar) || isNull(node)) {
                problem(node, key, isNull(node) ? "needs a value" : "must be a single value, not a "
                        + (node instanceof YamlNode.Mapping ? "mapping" : "list"));
                return null;
            }
            String raw = ((YamlNode.Scalar) node).value;
            if (raw.indexOf("${") < 0) {
                return nonEmpty(node, key, raw.trim());
            }
            StringBuffer out = new StringBuffer();
            Matcher m = Patterns.ENV_REF.matcher(raw);
            int end = 0;
            while (m.find()) {
                if (raw.substring(end, m.start()).contains("${")) {
                    break;
                }
                end = m.end();
                String value = env().get(m.group(1));
                if (value == null) {
                    value = m.group(2);
                }
                if (value == null) {
                    problem(node, key, "the environment variable " + m.group(1) + " is not set");
                    return null;
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            int bad = raw.indexOf("${", end);
            if (bad >= 0) {
                // Never echoed: it may be a secret pasted in place of a variable's name.
                problem(node, key, "'${' at character " + (bad + 1) + " does not start a valid variable reference: "
                        + "write ${NAME} or ${NAME:-fallback}, NAME being letters, digits and '_', not starting with a "
                        + "digit (the value is not used)");
                return null;
            }
            m.appendTail(out);
            if (out.indexOf("${") >= 0) {
                problem(node, key, "a variable or fallback in it gives a value containing '${', which is never expanded "
                        + "twice nor used as it is");
                return null;
            }
            return nonEmpty(node, key, out.toString().trim());
        }

        private String nonEmpty(YamlNode node, String key, String value) {
            if (value.isEmpty()) {
                problem(node, key, "needs a value");
                return null;
            }
            return value;
        }

        Long whole(YamlNode node, String key, long min, long max) {
            String t = text(node, key);
            if (t == null) {
                return null;
            }
            long v;
            try {
                v = Long.parseLong(t.replace("_", ""));
            } catch (NumberFormatException e) {
                boolean tooLong = t.replace("_", "").matches("[-+]?\\d+");
                problem(node, key, "must be a whole number" + (tooLong ? " from " + min + " to " + max : "")
                        + ", got '" + t + "'");
                return null;
            }
            if (v < min || v > max) {
                problem(node, key, "must be a whole number " + (v < min && max == Integer.MAX_VALUE
                        ? "of at least " + min : "from " + min + " to " + max) + ", got " + v);
                return null;
            }
            return v;
        }

        Boolean bool(YamlNode node, String key) {
            String t = text(node, key);
            if (t == null) {
                return null;
            }
            if (t.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            if (t.equalsIgnoreCase("false")) {
                return Boolean.FALSE;
            }
            problem(node, key, "must be true or false, got '" + t + "'");
            return null;
        }

        /**
         * A duration of the new keys: a whole number and a unit, {@code ms}, {@code s}, {@code m}, {@code h} or
         * {@code d}, more than zero. A bare number is refused rather than guessed at (seconds? milliseconds?).
         * Without a regular expression, which a plain config would otherwise compile on the premain path.
         */
        Long duration(YamlNode node, String key) {
            String t = text(node, key);
            if (t == null) {
                return null;
            }
            int digits = 0;
            while (digits < t.length() && t.charAt(digits) >= '0' && t.charAt(digits) <= '9') {
                digits++;
            }
            String unit = t.substring(digits).trim();
            long perUnit = unit.equals("ms") ? 1 : unit.equals("s") ? 1_000 : unit.equals("m") ? 60_000
                    : unit.equals("h") ? 3_600_000 : unit.equals("d") ? 86_400_000 : 0;
            if (digits == 0 || perUnit == 0) {
                problem(node, key, (digits == t.length() ? "needs a unit: say 5s or 500ms"
                        : "must be a duration such as 500ms, 5s, 10m, 24h or 2d") + ", got '" + t + "'");
                return null;
            }
            long ms;
            try {
                ms = Math.multiplyExact(Long.parseLong(t.substring(0, digits)), perUnit);
            } catch (ArithmeticException | NumberFormatException tooLong) {
                problem(node, key, "is too long, got '" + t + "'");
                return null;
            }
            if (ms == 0) {
                problem(node, key, "must be more than 0, got '" + t + "'");
                return null;
            }
            return ms;
        }

        Long millis(YamlNode node, String key) {
            String t = text(node, key);
            if (t == null) {
                return null;
            }
            Matcher m = Patterns.DURATION.matcher(t);
            if (!m.matches()) {
                problem(node, key, "must be a duration such as 500ms or 5s, got '" + t + "'");
                return null;
            }
            long n = Long.parseLong(m.group(1));
            long ms = "s".equals(m.group(2)) ? n * 1000 : n;
            if (ms < 1 || ms > 600_000) {
                problem(node, key, "must be from 1ms to 600s, got '" + t + "'");
                return null;
            }
            return ms;
        }

        String choice(YamlNode node, String key, String... choices) {
            String t = text(node, key);
            if (t == null) {
                return null;
            }
            for (String c : choices) {
                if (c.equalsIgnoreCase(t)) {
                    return c;
                }
            }
            problem(node, key, "must be one of " + String.join(", ", choices) + ", got '" + t + "'");
            return null;
        }

        String className(YamlNode node, String key) {
            String t = text(node, key);
            if (t == null) {
                return null;
            }
            if (!Patterns.CLASS_NAME.matcher(t).matches()) {
                problem(node, key, "not a Java class name: '" + t + "' (write it as com.acme.OutOfCreditsException)");
                return null;
            }
            return t;
        }

        /** A problem when {@code dir} cannot be a folder on this machine: it, or a parent of it, is a file. */
        void folder(Path dir, YamlNode node, String key, String what) {
            String why = Folders.whyNot(dir);
            if (why != null) {
                problem(node, key, dir + " cannot be the folder of " + what + ": " + why);
            }
        }

        Path path(String text, YamlNode node, String key) {
            try {
                String expanded = text.equals("~") ? userHome
                        : text.startsWith("~/") ? userHome + text.substring(1) : text;
                return base.resolve(expanded).normalize();
            } catch (InvalidPathException e) {
                problem(node, key, "not a valid path: " + e.getMessage());
                return null;
            }
        }

        /**
         * {@code sync} when the config does not say: on the embedded ledger the journaled strategy of the mode,
         * {@code leased} for credits and {@code batched} for usage; on {@code cryptolens} {@code strict}.
         */
        Sync.Strategy defaultSync(Config.BackendKind backend, Feature.Mode mode) {
            if (backend == Config.BackendKind.CRYPTOLENS) {
                return Sync.Strategy.STRICT;
            }
            return mode == Feature.Mode.CREDITS ? Sync.Strategy.LEASED : Sync.Strategy.BATCHED;
        }

        Path defaultLedgerDir() {
            return Paths.get(userHome, ".tollgate", "ledger");
        }

        private boolean isNull(YamlNode node) {
            return node == null || (node instanceof YamlNode.Scalar && YamlNode.NULL.equals(node.tag));
        }

        private int line(YamlNode node) {
            Integer keyLine = keyLines.get(node);
            if (keyLine != null) {
                return keyLine;
            }
            return node == null || node.line < 0 ? 0 : node.line + 1;
        }
    }

    /** " (did you mean 'cost'?)" when a known word is one or two edits away. */
    static String suggestion(String word, Iterable<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = distance(word.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
