package dev.tollgate.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * A metered call configured as a vendor ships it, on the {@code cryptolens} backend against the testkit's
 * emulator on loopback, beside the yardsticks of {@link CallCostBenchmark} measured in the same run (the
 * agent is attached to every fork, but instruments only {@code @Metered} methods).
 *
 * <ul>
 *   <li>{@code tollgate_leasedDefault}: {@code mode: credits, sync: leased} and nothing else (on
 *       {@code cryptolens} the default is {@code strict}, so this is the default leased feature); its ratio
 *       is to {@code baseline_atomicBoundedDecrement}.</li>
 *   <li>{@code tollgate_batchedDefault}: {@code mode: usage, sync: batched} and nothing else, no cap; its ratio
 *       is to {@code peer_longAdderIncrement}.</li>
 * </ul>
 *
 * <p>Run with {@code java -jar benchmarks.jar --backend cryptolens CryptolensDefaultsBenchmark} (or
 * {@code benchmarks/defaults.sh}): {@link RunBenchmarks} starts the emulator, seeds the credits at
 * {@code Integer.MAX_VALUE}, gives every fork fresh counters and an empty journal, and counts the requests
 * the emulator receives during each benchmark's measurement iterations ({@link ForkWatch}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CryptolensDefaultsBenchmark {

    /** The argument; a field, so that the JIT cannot fold the body into a constant. */
    int x = 42;

    /** {@link Product#leasedDefault} on the cryptolens backend. */
    @State(Scope.Benchmark)
    public static class LeasedDefault extends MeteringState {
        public LeasedDefault() {
            super("cryptolens", "bench_leasedDefault");
        }
    }

    /** {@link Product#batchedDefault} on the cryptolens backend. */
    @State(Scope.Benchmark)
    public static class BatchedDefault extends MeteringState {
        public BatchedDefault() {
            super("cryptolens", "bench_batchedDefault");
        }
    }

    @Benchmark
    public int baseline_plainCall(CallCostBenchmark.Plain p) {
        return p.call(x);
    }

    @Benchmark
    public int baseline_atomicBoundedDecrement(CallCostBenchmark.AtomicBounded p) {
        return p.call(x);
    }

    @Benchmark
    public int peer_longAdderIncrement(CallCostBenchmark.LongAdderPeer p) {
        return p.call(x);
    }

    @Benchmark
    public int tollgate_leasedDefault(LeasedDefault t) {
        return t.product.leasedDefault(x);
    }

    @Benchmark
    public int tollgate_batchedDefault(BatchedDefault t) {
        return t.product.batchedDefault(x);
    }
}
