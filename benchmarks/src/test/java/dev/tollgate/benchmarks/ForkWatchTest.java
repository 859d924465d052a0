package dev.tollgate.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.options.TimeValue;

/** The launcher's watch over JMH's notices, driven as JMH drives it: fork announcements, then each fork's iterations. */
class ForkWatchTest {

    private static final IterationParams WARMUP = new IterationParams(IterationType.WARMUP, 1, TimeValue.seconds(1), 1);
    private static final IterationParams MEASUREMENT = new IterationParams(IterationType.MEASUREMENT, 1, TimeValue.seconds(1), 1);

    @TempDir
    Path dir;

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refills = new AtomicInteger();
    private final StringBuilder console = new StringBuilder();

    /** JMH's console, reduced to the text printed on it. */
    private OutputFormat console() {
        return (OutputFormat) Proxy.newProxyInstance(OutputFormat.class.getClassLoader(),
                new Class<?>[] {OutputFormat.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("print")) {
                        console.append(args[0]).append('\n');
                    }
                    return null;
                });
    }

    private ForkWatch traffic(Path csv) {
        return new ForkWatch(console(), requests::get, refills::incrementAndGet, csv);
    }

    private static BenchmarkParams benchmark(String name) {
        return new BenchmarkParams(name, name + "_jmhTest", true, 1, new int[] {1}, List.of(), 1, 0, WARMUP, MEASUREMENT,
                Mode.AverageTime, new WorkloadParams(), TimeUnit.NANOSECONDS, 1, "java", List.of(), "17", "vm", "17", "1.37",
                TimeValue.minutes(10));
    }

    /** One fork as JMH reports it: announced, a warm-up iteration, then a measurement iteration; requests in each phase. */
    private void fork(ForkWatch traffic, BenchmarkParams params, int beforeMeasurement, int inMeasurement, int after) {
        traffic.println("# Fork: 1 of 2");
        traffic.iteration(params, WARMUP, 1);
        requests.addAndGet(beforeMeasurement);
        traffic.iteration(params, MEASUREMENT, 1);
        requests.addAndGet(inMeasurement);
        traffic.iterationResult(params, MEASUREMENT, 1, null);
        requests.addAndGet(after);
    }

    @Test
    void countsTheRequestsOfMeasurementIterationsAndOfWholeForksForTheBenchmarkThatMadeThem() throws IOException {
        Path csv = dir.resolve("requests.csv");
        ForkWatch traffic = traffic(csv);
        BenchmarkParams leased = benchmark("x.CryptolensDefaultsBenchmark.tollgate_leasedDefault");
        BenchmarkParams batched = benchmark("x.CryptolensDefaultsBenchmark.tollgate_batchedDefault");

        fork(traffic, leased, 5, 10, 3);
        fork(traffic, leased, 1, 7, 0);
        traffic.startBenchmark(batched); // announced before the fork that runs it: the last fork stays leased's
        fork(traffic, batched, 2, 4, 1);
        traffic.endRun(List.of());

        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(ForkWatch.CSV_HEADER);
        assertThat(lines.get(1)).startsWith("\"x.CryptolensDefaultsBenchmark.tollgate_leasedDefault\",1,17,");
        assertThat(lines.get(1).split(",")[4]).isEqualTo("26");
        assertThat(lines.get(2)).startsWith("\"x.CryptolensDefaultsBenchmark.tollgate_batchedDefault\",1,4,");
        assertThat(lines.get(2).split(",")[4]).isEqualTo("7");
        assertThat(console.toString())
                .contains("# Emulator requests: x.CryptolensDefaultsBenchmark.tollgate_leasedDefault, 1 thread(s): 17 in ");
    }

    @Test
    void withoutARequestCountItOnlyRefillsAndWritesNothing() {
        ForkWatch watch = new ForkWatch(console(), null, refills::incrementAndGet, null);
        BenchmarkParams leased = benchmark("x.CallCostBenchmark.tollgate_leasedDefault");

        fork(watch, leased, 1, 2, 3);
        fork(watch, leased, 1, 2, 3);
        watch.endRun(List.of());

        assertThat(refills).hasValue(2);
        assertThat(console.toString()).doesNotContain("Emulator requests");
    }

    @Test
    void refillsBeforeEveryForkAndPassesTheAnnouncementOn() {
        ForkWatch traffic = traffic(null);

        traffic.println("# Warmup Fork: 1 of 1");
        traffic.println("# Fork: 1 of 2");
        traffic.println("# Fork: 2 of 2");
        traffic.println("# Benchmark: not a fork");

        assertThat(refills).hasValue(3);
        assertThat(console.toString()).contains("# Fork: 2 of 2").contains("# Benchmark: not a fork");
    }
}
