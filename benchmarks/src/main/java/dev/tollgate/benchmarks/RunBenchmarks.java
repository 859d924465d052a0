package dev.tollgate.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import dev.tollgate.testkit.CryptolensEmulator;
import dev.tollgate.testkit.LicenseKey;
import dev.tollgate.testkit.Permission;

/**
 * Runs the JMH benchmarks with the Tollgate agent attached to every fork, on one backend per run.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--backend local|cryptolens] [JMH options, e.g. -t 2 -prof gc]
 * </pre>
 *
 * <ul>
 *   <li>{@code --backend local} (the default): a fresh ledger in a temporary folder, each credits feature
 *       of {@link #FEATURES} given {@value #LOCAL_CREDITS} credits; runs {@link CallCostBenchmark} unless
 *       JMH include patterns are given.</li>
 *   <li>{@code --backend cryptolens}: starts the testkit's {@link CryptolensEmulator} in this process
 *       (127.0.0.1, a free port, TCP_NODELAY on every accepted socket), seeds every credits feature's
 *       data object and the bare benchmark's counter {@code bare} at {@code Integer.MAX_VALUE}, writes a
 *       {@code backend: cryptolens} config with a fresh random token, and passes the endpoint to the forks
 *       as {@code -Dtollgate.bench.cryptolens.*} (the token as the path of a file, never on a command
 *       line); runs {@link StrictLoopbackBenchmark} unless include patterns are given. The emulator stops
 *       when the run ends, after saying how far each counter moved.</li>
 * </ul>
 *
 * Every fork also gets {@code -Dtollgate.bench.backend=<backend>}, which each benchmark checks. The agent
 * jar is {@code agent/target/tollgate-agent.jar} unless {@code -Dtollgate.agent.jar} names another.
 */
public final class RunBenchmarks {

    /**
     * One metered feature of the generated config: its name (as in {@code @Metered}), model, strategy, and any
     * further keys of its line (for example {@code block: 10000}), written as they are.
     */
    record Feature(String name, String mode, String sync, String more) {
        Feature(String name, String mode, String sync) {
            this(name, mode, sync, null);
        }

        /** The feature's line under {@code features:}; the strategy is always said, never left to the default. */
        String yaml() {
            return "  " + name + ": { mode: " + mode + ", sync: " + sync + (more == null ? "" : ", " + more) + " }\n";
        }

        boolean credits() {
            return mode.equals("credits");
        }
    }

    /**
     * The metered features every run configures, one per strategy, named by the methods of {@link Product}.
     * Each says its {@code sync}: the default differs by backend ({@code local}: leased for credits, batched for
     * usage; {@code cryptolens}: strict), and a benchmark must measure the strategy its name says. To add one,
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
                    "bound: " + RunBenchmarks.USAGE_CAP + ", block: " + RunBenchmarks.BLOCK));

    /** Units a journaled feature takes per lease ({@code leased}) or reserves per step ({@code batched} with a cap). */
    static final int BLOCK = 1_000_000;

    /** The cap of {@code bench_batchedCapped}: the largest {@code bound} the config accepts (int32 max). */
    static final long USAGE_CAP = Integer.MAX_VALUE;

    /**
     * Credits each credits feature starts with on the local ledger: the largest opening balance the config
     * accepts (int32 max). The ledger is fresh for each launcher run and a feature is charged only by its own
     * benchmark, so one benchmark's forks (warm-up included) share it: with {@code run.sh}'s 2 forks of 9 s,
     * a call would have to take under about 8 ns on one thread to use it up (or, for the capped usage
     * feature, reach the cap), which no metered variant does. A run that did would fail with a denial, never
     * measure one.
     */
    static final long LOCAL_CREDITS = Integer.MAX_VALUE;

    private static final int PRODUCT_ID = 3941;
    private static final String LICENSE_KEY = "BENCH-AAAAA-BBBBB-CCCCC";
    private static final String BARE_COUNTER = "bare";

    private RunBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        String backend = "local";
        boolean woven = false;
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--woven")) {
                woven = true;
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
            run(backend, agent, fromCommandLine, dir);
        } finally {
            deleteTree(dir);
        }
    }

    private static void run(String backend, Path agent, CommandLineOptions fromCommandLine, Path dir) throws Exception {
        List<String> jvmArgs = new ArrayList<>(fromCommandLine.getJvmArgsAppend().orElse(List.of()));
        jvmArgs.add("-D" + Body.BACKEND_PROPERTY + "=" + backend);
        if (backend.equals("local")) {
            Path config = writeLocalConfig(dir);
            jvmArgs.add("-javaagent:" + agent + "=" + config);
            runJmh(fromCommandLine, jvmArgs, CallCostBenchmark.class.getSimpleName());
        } else {
            try (CryptolensEmulator emulator = CryptolensEmulator.builder().requestLogLimit(0).start()) {
                LicenseKey key = emulator.product(PRODUCT_ID).key(LICENSE_KEY);
                for (Feature f : FEATURES) {
                    if (f.credits()) {
                        key.dataObject(f.name(), Integer.MAX_VALUE);
                    }
                }
                long bareId = key.dataObject(BARE_COUNTER, Integer.MAX_VALUE).id();
                byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                String token = HexFormat.of().formatHex(random);
                emulator.token(token, Permission.allData()).keyLock(-1);
                Path tokenFile = Files.writeString(dir.resolve("token"), token, StandardCharsets.UTF_8);
                Path config = writeCryptolensConfig(dir, emulator.url(), token);
                System.out.println("# Cryptolens emulator at " + emulator.url() + " (in this process)");

                jvmArgs.add("-javaagent:" + agent + "=" + config);
                jvmArgs.add("-D" + StrictLoopbackBenchmark.URL + "=" + emulator.url());
                jvmArgs.add("-D" + StrictLoopbackBenchmark.PRODUCT_ID + "=" + PRODUCT_ID);
                jvmArgs.add("-D" + StrictLoopbackBenchmark.KEY + "=" + LICENSE_KEY);
                jvmArgs.add("-D" + StrictLoopbackBenchmark.TOKEN_FILE + "=" + tokenFile);
                jvmArgs.add("-D" + StrictLoopbackBenchmark.BARE_ID + "=" + bareId);
                try {
                    runJmh(fromCommandLine, jvmArgs, StrictLoopbackBenchmark.class.getSimpleName());
                } finally {
                    StringBuilder moved = new StringBuilder("# Emulator counters moved during the run (warm-up included):");
                    for (Feature f : FEATURES) {
                        if (f.credits()) {
                            moved.append(' ').append(f.name()).append(' ')
                                    .append(Integer.MAX_VALUE - (long) key.value(f.name())).append(',');
                        }
                    }
                    moved.append(' ').append(BARE_COUNTER).append(' ')
                            .append(Integer.MAX_VALUE - (long) key.value(BARE_COUNTER));
                    System.out.println(moved);
                }
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
        runJmh(fromCommandLine, jvmArgs, CallCostBenchmark.class.getSimpleName());
    }

    private static void runJmh(CommandLineOptions fromCommandLine, List<String> jvmArgs, String defaultInclude)
            throws Exception {
        ChainedOptionsBuilder builder = new OptionsBuilder()
                .parent(fromCommandLine)
                .jvmArgsAppend(jvmArgs.toArray(new String[0]));
        if (fromCommandLine.getIncludes().isEmpty()) {
            builder.include(defaultInclude);
        }
        Options options = builder.build();
        new Runner(options).run();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("# could not remove " + dir + ": " + e.getMessage());
        }
    }

    private static Path writeLocalConfig(Path dir) throws IOException {
        StringBuilder yaml = new StringBuilder();
        yaml.append("local:\n  dir: ").append(dir.resolve("ledger")).append("\n  credits:\n");
        for (Feature f : FEATURES) {
            if (f.credits()) {
                yaml.append("    ").append(f.name()).append(": ").append(LOCAL_CREDITS).append('\n');
            }
        }
        yaml.append("features:\n");
        FEATURES.forEach(f -> yaml.append(f.yaml()));
        yaml.append("log:\n  level: warn\n");
        return Files.writeString(dir.resolve("tollgate.yml"), yaml);
    }

    /** The token is written into the config file, which lives in a folder only this user can read. */
    private static Path writeCryptolensConfig(Path dir, String url, String token) throws IOException {
        StringBuilder yaml = new StringBuilder();
        yaml.append("backend: cryptolens\n");
        yaml.append("cryptolens:\n");
        yaml.append("  url: ").append(url).append('\n');
        yaml.append("  token: ").append(token).append('\n');
        yaml.append("  productId: ").append(PRODUCT_ID).append('\n');
        yaml.append("  key: ").append(LICENSE_KEY).append('\n');
        yaml.append("features:\n");
        FEATURES.forEach(f -> yaml.append(f.yaml()));
        yaml.append("log:\n  level: warn\n");
        return Files.writeString(dir.resolve("tollgate.yml"), yaml);
    }
}
