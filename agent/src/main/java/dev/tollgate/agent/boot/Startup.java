package dev.tollgate.agent.boot;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;

import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.ConfigLoader;
import dev.tollgate.agent.config.Feature;
import dev.tollgate.agent.config.JournalSettings;
import dev.tollgate.agent.config.Overrides;
import dev.tollgate.agent.config.Problem;
import dev.tollgate.agent.config.Rule;
import dev.tollgate.agent.instrument.ExceptionTypes;
import dev.tollgate.agent.instrument.Installer;
import dev.tollgate.agent.instrument.LoadedClasses;
import dev.tollgate.agent.log.Log;
import dev.tollgate.agent.meter.Metering;
import dev.tollgate.agent.rules.RetrofitRules;

/**
 * Starts the agent once: reads the config, reports its problems, builds the {@link Wiring} and installs it.
 * Every problem is printed as one line; a config with problems still starts the agent, which then denies
 * every metered call as misconfigured (never free usage, never a crashed host).
 *
 * <pre>{@code
 * Startup.start(agentArgs, instrumentation, false);   // from premain; true from agentmain
 * }</pre>
 */
public final class Startup {

    private Startup() {
    }

    /** How the runtime was started; each way says so in the agent's status line. */
    public enum Way {
        /** {@code -javaagent}: before the application's main class. */
        JAVAAGENT("-javaagent", false),
        /** The {@code attach} command, into a running JVM: a config with problems changes nothing. */
        ATTACH("attach", true),
        /** An executable jar's {@code Launcher-Agent-Class}: like {@code -javaagent}, after its main class loaded. */
        LAUNCHER("Launcher-Agent-Class", true),
        /** The first metered call of a class woven at build time, with no agent ({@code SelfStart}). */
        WOVEN("woven classes", false);

        final String how;
        /** Whether classes loaded before the start must be retransformed. */
        final boolean retransform;

        Way(String how, boolean retransform) {
            this.how = how;
            this.retransform = retransform;
        }
    }

    /**
     * @return whether the agent now runs; {@code false} only for an attach whose config has problems, which
     *     changes nothing in the running JVM (it was running unmetered, and denying every call would break it)
     */
    public static boolean start(String args, Instrumentation instrumentation, boolean attached) {
        return start(args, instrumentation, attached ? Way.ATTACH : Way.JAVAAGENT);
    }

    /** As {@link #start(String, Instrumentation, boolean)}, started the given way (not {@link Way#WOVEN}). */
    public static boolean start(String args, Instrumentation instrumentation, Way way) {
        boolean attached = way == Way.ATTACH;
        Config config = load(args);
        if (attached && !config.isValid()) {
            Log.error("this attach changed nothing: fix the " + config.problems().size()
                    + " problem(s) above and attach again");
            Running.refusedConfig(config.source(), config.problems());
            return false;
        }
        Wiring wiring = Wiring.of(config);
        publishBalances(wiring.metering());
        Installer.Installation installation = wiring.install(instrumentation);
        String summary = settle(wiring, attached ? "; attached to a running JVM"
                : way == Way.LAUNCHER ? "; started by the jar's Launcher-Agent-Class" : "");
        if (way.retransform) {
            LoadedClasses.Report loaded = LoadedClasses.retransform(instrumentation, installation, wiring.sites());
            if (loaded.failed() > 0) {
                Log.warn(loaded.toString());
            } else {
                Log.info(loaded.toString());
            }
            summary += "; " + loaded;
        }
        Running.started(way.how, config.source(), summary, wiring);
        return true;
    }

    /**
     * Reads the config as the agent does ({@code args}, else {@code -Dtollgate.config}, {@code TOLLGATE_CONFIG},
     * {@code ./tollgate.yml}), with the problems only the class path can show, and prints every problem.
     */
    static Config load(String args) {
        return load(args, null);
    }

    /**
     * As {@link #load(String)}, the pinned config checked against {@code expectedDigest} (recorded in the woven
     * classes) when it is not null, else against its jar's manifest.
     */
    static Config load(String args, String expectedDigest) {
        Config config = check(new ConfigLoader().load(args, System.getProperty(ConfigLoader.PROPERTY_CONFIG),
                Paths.get("").toAbsolutePath(), ClassLoader.getSystemClassLoader(), expectedDigest));
        String levelProperty = System.getProperty(Overrides.LOG_LEVEL_PROPERTY);
        Overrides.Choice level = Overrides.logLevel(levelProperty, Overrides.isLevel(levelProperty) ? null
                : System.getenv(Overrides.LOG_LEVEL_ENV), config.logLevel()); // the environment only when needed
        if (level.value() != null) {
            Log.level(level.value());
        }
        if (level.problem() != null) {
            Log.warn(level.problem());
        }
        if (config.cryptolens() != null) {
            Log.secret(config.cryptolens().token());
        }
        for (Problem p : config.ignored()) {
            Log.warn(p.toString()); // a key of the customer's file that the vendor's pinned config decides
        }
        for (Problem p : config.problems()) {
            Log.error(p.toString());
        }
        return config;
    }

    /** Registers the exit hooks of a runtime that runs, prints what it meters and returns that line. */
    static String settle(Wiring wiring, String how) {
        Config config = wiring.config();
        RetrofitRules rules = wiring.rules();
        if (!rules.isEmpty()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> reportUnmatched(rules), "tollgate-unmatched-rules"));
        }
        if (wiring.backend() != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(new Closer(wiring), "tollgate-shutdown"));
        }
        String summary;
        if (!config.isValid()) {
            summary = "every metered call is denied (misconfigured) until the " + config.problems().size()
                    + " problem(s) above are fixed";
            Log.error(summary);
        } else if (config.features().isEmpty()) {
            summary = "no features configured (config: " + config.source() + "); every metered call is denied "
                    + "until the config names its feature under features:";
            Log.warn(summary);
        } else {
            summary = "metering " + config.features().size() + " feature(s) on the " + wiring.backend().describe()
                    + " (config: " + config.source() + ")" + how;
            Log.info(summary);
        }
        return summary;
    }

    /** At exit: one line per retrofit rule that matched no method in this run (a typo, or a class never loaded). */
    static void reportUnmatched(RetrofitRules rules) {
        for (Rule r : rules.unmatched()) {
            Log.warn(r.location() + ": " + r.pattern().text() + " matched no method in this run");
        }
    }

    /** Adds the problems only the class path can show: denial exceptions that cannot be built. */
    private static Config check(Config config) {
        if (!config.isValid()) {
            return config;
        }
        List<Problem> problems = new ArrayList<>();
        List<Feature> withDefault = new ArrayList<>();
        for (Feature f : config.features().values()) {
            if (f.exception() != null) {
                checkException(config, f, problems);
            } else {
                withDefault.add(f);
            }
        }
        if (!withDefault.isEmpty() && !Config.DEFAULT_EXCEPTION.equals(config.exceptionFor(null))) {
            checkException(config, null, problems);
        }
        return problems.isEmpty() ? config : config.withProblems(problems);
    }

    private static void checkException(Config config, Feature feature, List<Problem> problems) {
        String name = config.exceptionFor(feature);
        ExceptionTypes.Verdict v = ExceptionTypes.check(name, ClassLoader.getSystemClassLoader());
        if (!v.found()) {
            Log.warn(config.exceptionKeyFor(feature) + ": " + name + " is not on the class path; it is looked up "
                    + "in the class loader of each metered class at its first call, and where it cannot be found "
                    + "every call is denied (misconfigured)");
        } else if (v.problem() != null) {
            problems.add(config.problemAt(feature, v.problem()));
        }
    }

    /*
     * Named classes rather than lambdas or method references: the first invokedynamic of a JVM starts
     * java.lang.invoke and spins classes, milliseconds that every product would pay at startup.
     */

    /** At exit: confirm and settle the journals while the backend is still open, then close it. */
    private static final class Closer implements Runnable {
        private final Wiring wiring;

        Closer(Wiring wiring) {
            this.wiring = wiring;
        }

        @Override
        public void run() {
            wiring.close();
        }
    }

    private static final class Balances implements Function<String, OptionalLong> {
        private final Metering metering;

        Balances(Metering metering) {
            this.metering = metering;
        }

        @Override
        public OptionalLong apply(String feature) {
            return metering.balance(feature);
        }
    }

    /** Lets {@code Tollgate.balance} answer, without making the hook public API. */
    static void publishBalances(Metering metering) {
        try {
            Field f = Class.forName("dev.tollgate.Tollgate").getDeclaredField("balances");
            f.setAccessible(true);
            f.set(null, new Balances(metering));
        } catch (Throwable t) {
            Log.warn("Tollgate.balance() will answer empty: " + t);
        }
    }
}
