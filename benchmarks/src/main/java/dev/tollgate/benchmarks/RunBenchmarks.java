package dev.tollgate.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the JMH benchmarks with the Tollgate agent attached to every fork.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [JMH options, e.g. -f 1 -wi 3 -i 5 -t 2 -prof gc]
 * </pre>
 *
 * The agent jar is {@code agent/target/tollgate-agent.jar} unless {@code -Dtollgate.agent.jar} names
 * another. Each run uses a fresh ledger in a temporary folder.
 */
public final class RunBenchmarks {

    private RunBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Path agent = Path.of(System.getProperty("tollgate.agent.jar", "agent/target/tollgate-agent.jar")).toAbsolutePath();
        if (!Files.isRegularFile(agent)) {
            System.err.println("agent jar not found at " + agent + "; build it with 'mvn -B -q package -DskipTests' "
                    + "or pass -Dtollgate.agent.jar=<path>");
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("tollgate-bench");
        Path config = Files.writeString(dir.resolve("tollgate.yml"), """
                local:
                  dir: %s
                  credits:
                    bench: 2000000000
                features:
                  bench: { mode: credits }
                log:
                  level: warn
                """.formatted(dir.resolve("ledger")));
        Options fromCommandLine = new CommandLineOptions(args);
        Options options = new OptionsBuilder()
                .parent(fromCommandLine)
                .jvmArgsAppend("-javaagent:" + agent + "=" + config)
                .build();
        new Runner(options).run();
    }
}
