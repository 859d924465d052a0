package dev.tollgate.benchmarks;

import org.openjdk.jmh.annotations.CompilerControl;

import dev.tollgate.Metered;

/**
 * The metered methods, one per strategy. Each names its own feature, which {@link RunBenchmarks#FEATURES}
 * configures for the run's backend, so the same method is measured on the local ledger
 * ({@link CallCostBenchmark}) and on the Cryptolens emulator ({@link StrictLoopbackBenchmark}).
 *
 * <p>The agent inlines its advice into each method, and the JIT may not inline the method into the
 * benchmark loop, so the charge runs inside a real call, exactly as in a product.
 */
public class Product {

    /** {@code sync: strict} (today's only strategy): one backend step per call. */
    @Metered("bench_strict")
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int strict(int x) {
        return Body.work(x);
    }

    // Hooks for the strategies of issue 5 (benchmarks/README.md, "Adding a strategy"):
    //
    // @Metered("bench_leased")
    // @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    // public int leased(int x) {
    //     return Body.work(x);
    // }
    //
    // @Metered("bench_batched")
    // @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    // public int batched(int x) {
    //     return Body.work(x);
    // }
}
