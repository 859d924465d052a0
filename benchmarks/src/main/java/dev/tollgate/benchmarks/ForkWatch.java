package dev.tollgate.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH's console output, watched in the launcher process to give each fork fresh counters before it starts and,
 * on the emulator, to count the requests it receives while each benchmark runs.
 *
 * <p>JMH reports every fork's iterations to the launcher as they start and end ({@link #iteration},
 * {@link #iterationResult}), and says {@code "# Fork: i of n"} (or {@code "# Warmup Fork: ..."}) just before it
 * starts each fork JVM, after the previous one has exited. So:
 * <ul>
 *   <li><b>measurement</b>: the requests received from the start to the end of each measurement iteration,
 *       summed with the iterations' wall time over all forks of a benchmark: the request rate at full speed;</li>
 *   <li><b>whole forks</b>: the requests from one fork's announcement to the next (or the end of the run), with
 *       that time: warm-up, set-up, the first lease and the journal's settling at exit included;</li>
 *   <li>{@code beforeFork} runs when a fork is announced, while no fork runs.</li>
 * </ul>
 * Without a request count (the local ledger) only {@code beforeFork} runs. With one, the end of the run prints one
 * line per benchmark and, if a file was named, writes them as CSV
 * ({@code benchmark,threads,measurementRequests,measurementSeconds,forkRequests,forkSeconds}) for
 * {@link Report}. The notices travel from the fork over a socket; their delay (well under a millisecond) is
 * small beside iterations of a second.
 */
final class ForkWatch implements OutputFormat {

    /** The CSV header of the file {@link Report} reads with {@code --requests}. */
    static final String CSV_HEADER = "benchmark,threads,measurementRequests,measurementSeconds,forkRequests,forkSeconds";

    private final OutputFormat out;
    private final IntSupplier requests;
    private final Runnable beforeFork;
    private final Path csv;
    private final Map<String, long[]> byBenchmark = new LinkedHashMap<>();

    /** The benchmark the running fork reported an iteration of; null until it does. */
    private String forkBenchmark;
    private int iterationStartRequests;
    private long iterationStartNanos;
    private int forkStartRequests;
    private long forkStartNanos = -1;

    /**
     * @param requests   the emulator's request count so far, or null to count nothing
     * @param beforeFork run before each fork starts
     * @param csv        where to write the counts at the end of the run, or null
     */
    ForkWatch(OutputFormat out, IntSupplier requests, Runnable beforeFork, Path csv) {
        this.out = out;
        this.requests = requests;
        this.beforeFork = beforeFork;
        this.csv = csv;
    }

    /** A benchmark's key: its name and thread count, as {@link Report} groups rows. */
    private static String key(BenchmarkParams params) {
        return params.getBenchmark() + "," + params.getThreads();
    }

    /** [measurement requests, measurement nanos, fork requests, fork nanos] of the benchmark. */
    private long[] totals(String key) {
        return byBenchmark.computeIfAbsent(key, k -> new long[4]);
    }

    @Override
    public synchronized void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
        forkBenchmark = key(benchParams);
        if (requests != null && params.getType() == IterationType.MEASUREMENT) {
            iterationStartRequests = requests.getAsInt();
            iterationStartNanos = System.nanoTime();
        }
        out.iteration(benchParams, params, iteration);
    }

    @Override
    public synchronized void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration,
            IterationResult data) {
        if (requests != null && params.getType() == IterationType.MEASUREMENT) {
            long[] t = totals(key(benchParams));
            t[0] += requests.getAsInt() - iterationStartRequests;
            t[1] += System.nanoTime() - iterationStartNanos;
        }
        out.iterationResult(benchParams, params, iteration, data);
    }

    @Override
    public void println(String s) {
        if (s != null && (s.startsWith("# Fork:") || s.startsWith("# Warmup Fork:"))) {
            endFork();
            beforeFork.run();
            if (requests != null) {
                synchronized (this) {
                    forkStartRequests = requests.getAsInt();
                    forkStartNanos = System.nanoTime();
                }
            }
        }
        out.println(s);
    }

    /**
     * Adds the fork that just ended, if any, to the benchmark it ran (known from its iterations: the launcher
     * may announce the next benchmark before its first fork starts).
     */
    private synchronized void endFork() {
        if (forkStartNanos >= 0 && forkBenchmark != null) {
            long[] t = totals(forkBenchmark);
            t[2] += requests.getAsInt() - forkStartRequests;
            t[3] += System.nanoTime() - forkStartNanos;
        }
        forkStartNanos = -1;
        forkBenchmark = null;
    }

    @Override
    public void endRun(Collection<RunResult> result) {
        endFork();
        out.endRun(result);
        if (requests == null) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        StringBuilder file = new StringBuilder(CSV_HEADER).append('\n');
        synchronized (this) {
            for (Map.Entry<String, long[]> e : byBenchmark.entrySet()) {
                long[] t = e.getValue();
                String[] nameAndThreads = e.getKey().split(",");
                lines.append(String.format(Locale.ROOT,
                        "# Emulator requests: %s, %s thread(s): %,d in %.1f s of measurement = %,.0f/s;"
                                + " whole forks (warm-up included) %,d in %.1f s = %,.0f/s%n",
                        nameAndThreads[0], nameAndThreads[1], t[0], t[1] / 1e9, perSecond(t[0], t[1]),
                        t[2], t[3] / 1e9, perSecond(t[2], t[3])));
                file.append(String.format(Locale.ROOT, "\"%s\",%s,%d,%.3f,%d,%.3f%n",
                        nameAndThreads[0], nameAndThreads[1], t[0], t[1] / 1e9, t[2], t[3] / 1e9));
            }
        }
        out.print(lines.toString());
        out.flush();
        if (csv != null) {
            try {
                Files.writeString(csv, file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the request counts to " + csv, e);
            }
        }
    }

    private static double perSecond(long count, long nanos) {
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }

    // ------------------------------------------------------------ everything else goes straight through

    @Override
    public void startBenchmark(BenchmarkParams benchParams) {
        out.startBenchmark(benchParams);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        out.endBenchmark(result);
    }

    @Override
    public void startRun() {
        out.startRun();
    }

    @Override
    public void print(String s) {
        out.print(s);
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.close();
    }

    @Override
    public void verbosePrintln(String s) {
        out.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        out.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        out.write(b);
    }
}
