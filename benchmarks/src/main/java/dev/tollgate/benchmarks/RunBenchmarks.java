package dev.tollgate.benchmarks;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

import dev.tollgate.testkit.CryptolensEmulator;

/**
 * Runs the JMH benchmarks with the Tollgate agent attached to every fork, on one backend per run.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--backend local|cryptolens] [--requests file.csv] [JMH options, e.g. -t 2 -prof gc]
 * </pre>
 *
 * <ul>
 *   <li>{@code --backend local} (the default): a fresh ledger in a temporary folder, each credits feature
 *       of {@link #FEATURES} given {@value #LOCAL_CREDITS} credits; runs {@link CallCostBenchmark} unless
 *       JMH include patterns are given.</li>
 *   <li>{@code --backend cryptolens}: starts the testkit's {@link CryptolensEmulator} in this process
 *       (127.0.0.1, a free port, TCP_NODELAY on every accepted socket), seeds every credits feature's
 *       data object and the bare benchmark's counter {@code bare} at {@code Integer.MAX_VALUE}, writes a
 *       {@code backend: cryptolens} config with a fresh random token and its own journal folder, and passes
 *       the endpoint to the forks as {@code -Dtollgate.bench.cryptolens.*} (the token as the path of a file,
 *       never on a command line); runs {@link StrictLoopbackBenchmark} unless include patterns are given
 *       ({@link EmulatorBackend}). Before each fork the counters are set back and the journal emptied; the
 *       requests the emulator receives during each benchmark's measurement are counted and printed, and
 *       with {@code --requests file.csv} also written for {@link Report} ({@link ForkWatch}). The
 *       emulator stops when the run ends, after saying how far each counter moved.</li>
 * </ul>
 *
 * Every fork also gets {@code -Dtollgate.bench.backend=<backend>}, which each benchmark checks. The agent
 * jar is {@code agent/target/tollgate-agent.jar} unless {@code -Dtollgate.agent.jar} names another.
 */
public final class RunBenchmarks {

    /**
     * One metered feature of the generated config: its name (as in {@code @Metered}), model, strategy, any
     * further keys of its line (for example {@code block: 10000}), written as they are, and whether it is
     * configured as a vendor would out of the box ({@link #asShipped}).
     */
    record Feature(String name, String mode, String sync, String more, boolean asShipped) {
        Feature(String name, String mode, String sync) {
            this(name, mode, sync, null, false);
        }

        Feature(String name, String mode, String sync, String more) {
            this(name, mode, sync, more, false);
        }

        /**
         * A feature with the defaults: its line gives the mode, and the {@code sync} only where the backend's
         * default is another strategy; nothing else.
         */
        static Feature asShipped(String name, String mode, String sync) {
            return new Feature(name, mode, sync, null, true);
        }

        /**
         * The feature's line under {@code features:} on {@code backend}. A tuned feature always says its
         * strategy; one {@link #asShipped} leaves it to the backend's default where that is the same.
         */
        String yaml(String backend) {
            boolean saySync = !asShipped || !sync.equals(defaultSync(backend));
            return "  " + name + ": { mode: " + mode + (saySync ? ", sync: " + sync : "")
                    + (more == null ? "" : ", " + more) + " }\n";
        }

        /** The agent's default strategy on a backend: {@code local} leases credits and batches usage; {@code cryptolens} is strict. */
        String defaultSync(String backend) {
            if (backend.equals("cryptolens")) {
                return "strict";
            }
            return credits() ? "leased" : "batched";
        }

        boolean credits() {
            return mode.equals("credits");
        }
    }

    /**
     * The metered features every run configures, one per strategy, named by the methods of {@link Product}.
     * Each tuned one says its {@code sync}: the default differs by backend ({@code local}: leased for credits,
     * batched for usage; {@code cryptolens}: strict), and a benchmark must measure the strategy its name says.
     * The two {@link Feature#asShipped} ones ({@code bench_leasedDefault}, {@code bench_batchedDefault}) are
     * what a vendor writes: the mode, and {@code sync} only where the backend's default is another strategy. To add one,
     * see benchmarks/README.md ("Adding a strategy").
     *
     * <p>The journaled features take {@value #BLOCK} units (the largest {@code block}) per lease or reservation,
     * so that the numbers are the hot path's. A refill is one locked ledger step that the default
     * {@code journal.fsync: interval} also forces to disk, taken on the calling thread when a block runs out
     * before the sync thread's next look (every 50 ms): with {@code block: 10000} that was every 0.2-0.4 ms
     * here and added some 15-20 ns to every call (benchmarks/README.md). The capped usage feature's cap is
     * the largest the config accepts; no run comes near it (see {@link #LOCAL_CREDITS}).
     */
    static final List<Feature> FEATURES = List.of(
            new Feature("bench_strict", "credits", "strict"),
            new Feature("bench_leased", "credits", "leased", "block: " + RunBenchmarks.BLOCK),
            new Feature("bench_batched", "usage", "batched"),
            new Feature("bench_batchedCapped", "usage", "batched",
                    "bound: " + RunBenchmarks.USAGE_CAP + ", block: " + RunBenchmarks.BLOCK),
            Feature.asShipped("bench_leasedDefault", "credits", "leased"),
            Feature.asShipped("bench_batchedDefault", "usage", "batched"));

    /** Units a journaled feature takes per lease ({@code leased}) or reserves per step ({@code batched} with a cap). */
    static final int BLOCK = 1_000_000;

    /** The cap of {@code bench_batchedCapped}: the largest {@code bound} the config accepts (int32 max). */
    static final long USAGE_CAP = Integer.MAX_VALUE;

    /**
     * Credits each credits feature starts with on the local ledger: the largest opening balance the config
     * accepts (int32 max). Under {@code -javaagent} every fork starts with a fresh ledger ({@link #freshLedger})
     * and a feature is charged only by its own benchmark: with {@code run.sh}'s forks of 9 s (warm-up included),
     * a call would have to take under about 4 ns on one thread to use it up (or, for the capped usage feature,
     * reach the cap), which no metered variant does. A run that did would fail with a denial, never measure
     * one. ({@code --woven} runs share one ledger over all forks: under about 8 ns with 2 forks.)
     */
    static final long LOCAL_CREDITS = Integer.MAX_VALUE;

    /** The ledger folder and the forks' {@code user.home} of a {@code local} run, in the run's temporary folder. */
    private static final String LEDGER = "ledger";
    private static final String HOME = "home";

    private RunBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        String backend = "local";
        boolean woven = false;
        Path requestsCsv = null;
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--woven")) {
                woven = true;
            } else if (args[i].equals("--requests") && i + 1 < args.length) {
                requestsCsv = Path.of(args[++i]).toAbsolutePath();
            } else if (args[i].equals("--backend") && i + 1 < args.length) {
                backend = args[++i];
            } else if (args[i].startsWith("--backend=")) {
                backend = args[i].substring("--backend=".length());
            } else {
                jmhArgs.add(args[i]);
            }
        }
        if (!backend.equals("local") && !backend.equals("cryptolens")) {
            System.err.println("--backend must be local or cryptolens, not '" + backend + "'");
            System.exit(2);
        }
        if (requestsCsv != null && !backend.equals("cryptolens")) {
            System.err.println("--requests counts the emulator's requests: it needs --backend cryptolens");
            System.exit(2);
        }
        Path agent = Path.of(System.getProperty("tollgate.agent.jar", "agent/target/tollgate-agent.jar")).toAbsolutePath();
        if (!Files.isRegularFile(agent)) {
            System.err.println("agent jar not found at " + agent + "; build it with 'mvn -B -q package -DskipTests' "
                    + "or pass -Dtollgate.agent.jar=<path>");
            System.exit(2);
        }
        CommandLineOptions fromCommandLine = new CommandLineOptions(jmhArgs.toArray(new String[0]));
        Path dir = Files.createTempDirectory("tollgate-bench", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));

        try {
            if (woven) {
                runWoven(fromCommandLine, dir);
                return;
            }
            run(backend, agent, fromCommandLine, dir, requestsCsv);
        } finally {
            deleteTree(dir);
        }
    }

    private static void run(String backend, Path agent, CommandLineOptions fromCommandLine, Path dir, Path requestsCsv)
            throws Exception {
        List<String> jvmArgs = new ArrayList<>(fromCommandLine.getJvmArgsAppend().orElse(List.of()));
        jvmArgs.add("-D" + Body.BACKEND_PROPERTY + "=" + backend);
        if (backend.equals("local")) {
            Path config = writeLocalConfig(dir);
            jvmArgs.add("-javaagent:" + agent + "=" + config);
            jvmArgs.add("-Duser.home=" + dir.resolve(HOME));
            runJmh(fromCommandLine, jvmArgs, CallCostBenchmark.class.getSimpleName(),
                    out -> new ForkWatch(out, null, () -> freshLedger(dir), null));
            return;
        }
        try (EmulatorBackend emulator = new EmulatorBackend(dir)) {
            System.out.println("# Cryptolens emulator at " + emulator.url() + " (in this process)");
            jvmArgs.add("-javaagent:" + agent + "=" + emulator.config());
            jvmArgs.addAll(emulator.forkProperties());
            try {
                runJmh(fromCommandLine, jvmArgs, StrictLoopbackBenchmark.class.getSimpleName(),
                        out -> new ForkWatch(out, emulator::requestCount, emulator::beforeFork, requestsCsv));
            } finally {
                System.out.println(emulator.moved());
            }
        }
    }

    /**
     * {@code --woven}: {@link Product} woven at build time and {@code tollgate-agent.jar} on the class path, no
     * {@code -javaagent} (see {@code benchmarks/woven.sh}, which weaves it and starts this with that class path;
     * the forks inherit it). The local config is named by {@code -Dtollgate.config}, as a woven product reads it.
     */
    private static void runWoven(CommandLineOptions fromCommandLine, Path dir) throws Exception {
        try {
            Product.class.getDeclaredField("tollgate$woven");
            Class.forName("dev.tollgate.agent.boot.SelfStart");
        } catch (ReflectiveOperationException | LinkageError e) {
            System.err.println("--woven needs a woven Product and tollgate-agent.jar on the class path (" + e
                    + "); run benchmarks/woven.sh");
            System.exit(2);
        }
        List<String> jvmArgs = new ArrayList<>(fromCommandLine.getJvmArgsAppend().orElse(List.of()));
        jvmArgs.add("-D" + Body.BACKEND_PROPERTY + "=local");
        jvmArgs.add("-D" + Body.WOVEN_PROPERTY + "=true");
        jvmArgs.add("-Dtollgate.config=" + writeLocalConfig(dir));
        runJmh(fromCommandLine, jvmArgs, CallCostBenchmark.class.getSimpleName(), null);
    }

    /** Runs JMH; {@code watch}, if given, wraps JMH's console output (see {@link ForkWatch}). */
    private static void runJmh(CommandLineOptions fromCommandLine, List<String> jvmArgs, String defaultInclude,
            UnaryOperator<OutputFormat> watch) throws Exception {
        ChainedOptionsBuilder builder = new OptionsBuilder()
                .parent(fromCommandLine)
                .jvmArgsAppend(jvmArgs.toArray(new String[0]));
        if (fromCommandLine.getIncludes().isEmpty()) {
            builder.include(defaultInclude);
        }
        Options options = builder.build();
        if (watch == null) {
            new Runner(options).run();
        } else {
            // JMH's own console, or the file of -o, as Runner would make it without a watch.
            PrintStream to = options.getOutput().hasValue()
                    ? new PrintStream(new FileOutputStream(options.getOutput().get()), true, StandardCharsets.UTF_8)
                    : System.out;
            OutputFormat console = OutputFormatFactory.createFormatInstance(to, options.verbosity().orElse(VerboseMode.NORMAL));
            new Runner(options, watch.apply(console)).run();
        }
    }

    /**
     * Before each fork of a {@code local} run: no ledger and no witness, as on a first install, so that each fork
     * starts with {@value #LOCAL_CREDITS} credits. The ledger's witness lives under the user's home
     * ({@code ~/.tollgate/witness}), which the forks get as {@code <dir>/home}: a ledger folder made again at the
     * same path would otherwise be refused as edited, and no run leaves a witness in the real home.
     */
    static void freshLedger(Path dir) {
        deleteTree(dir.resolve(LEDGER));
        deleteTree(dir.resolve(HOME));
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("# could not remove " + dir + ": " + e.getMessage());
        }
    }

    static Path writeLocalConfig(Path dir) throws IOException {
        StringBuilder yaml = new StringBuilder();
        yaml.append("local:\n  dir: ").append(dir.resolve(LEDGER)).append("\n  credits:\n");
        for (Feature f : FEATURES) {
            if (f.credits()) {
                yaml.append("    ").append(f.name()).append(": ").append(LOCAL_CREDITS).append('\n');
            }
        }
        yaml.append("features:\n");
        FEATURES.forEach(f -> yaml.append(f.yaml("local")));
        yaml.append("log:\n  level: warn\n");
        return Files.writeString(dir.resolve("tollgate.yml"), yaml);
    }
}
