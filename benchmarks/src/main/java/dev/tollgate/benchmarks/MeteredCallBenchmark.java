package dev.tollgate.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import dev.tollgate.Metered;

/**
 * One call of a {@code @Metered} method on the embedded ledger (strict: one locked file step per call)
 * beside a plain call and an {@code AtomicLong} bounded decrement, all in the same forked JVM under the
 * agent. Run through {@link RunBenchmarks}, which attaches the agent with a config that gives the
 * feature enough credits.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MeteredCallBenchmark {

    private final AtomicLong credits = new AtomicLong(Long.MAX_VALUE / 2);
    private final Feature feature = new Feature();

    /** The method body every variant runs. */
    static int work(int x) {
        return x * 31 + 7;
    }

    public static class Feature {
        @Metered("bench")
        public int metered(int x) {
            return work(x);
        }

        public int plain(int x) {
            return work(x);
        }
    }

    @Benchmark
    public int plainCall() {
        return feature.plain(42);
    }

    /** What a charge competes with: a lock-free bounded decrement, then the body. */
    @Benchmark
    public int atomicBoundedDecrement() {
        long current;
        do {
            current = credits.get();
            if (current - 1 < 0) {
                throw new IllegalStateException("no credits");
            }
        } while (!credits.compareAndSet(current, current - 1));
        return work(42);
    }

    @Benchmark
    public int meteredLocalLedger() {
        return feature.metered(42);
    }
}
