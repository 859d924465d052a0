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

    /** {@code sync: strict}: one backend step per call. */
    @Metered("bench_strict")
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int strict(int x) {
        return Body.work(x);
    }

    /** {@code sync: leased}: credits spent from a lease in the journal (a CAS and a store into the thread's slot). */
    @Metered("bench_leased")
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int leased(int x) {
        return Body.work(x);
    }

    /** {@code sync: batched}, usage with no cap: a store into the thread's journal slot, sent in the background. */
    @Metered("bench_batched")
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int batched(int x) {
        return Body.work(x);
    }

    /**
     * Credits as a vendor configures them out of the box: {@code mode: credits} and nothing else on {@code local}
     * (where a credits feature is {@code leased} by default), {@code sync: leased} and nothing else on
     * {@code cryptolens} (where the default is {@code strict}); no {@code block}, no tuning.
     */
    @Metered("bench_leasedDefault")
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int leasedDefault(int x) {
        return Body.work(x);
    }

    /**
     * Usage as a vendor configures it out of the box: {@code mode: usage} on {@code local} (batched by default),
     * {@code mode: usage, sync: batched} on {@code cryptolens}; no cap, no tuning.
     */
    @Metered("bench_batchedDefault")
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int batchedDefault(int x) {
        return Body.work(x);
    }

    /** {@code sync: batched}, usage with a cap: room under the cap reserved in blocks (a CAS), then the store. */
    @Metered("bench_batchedCapped")
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int batchedCapped(int x) {
        return Body.work(x);
    }
}
