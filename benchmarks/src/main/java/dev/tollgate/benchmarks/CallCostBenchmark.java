package dev.tollgate.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The cost of one call of a {@code @Metered} method on the embedded ({@code local}) ledger, beside the
 * same call guarded or counted by the alternatives, all in one JMH run under the agent (the agent
 * instruments only {@code @Metered} methods, so the other variants run as they would without it).
 *
 * <p>Every variant is one call of a method that the JIT may not inline into the benchmark loop
 * ({@link CompilerControl.Mode#DONT_INLINE}): the variant's charge, then {@link Body#work}. So each
 * number is "call, charge, body", the same shape as a metered method in a product, and an allocation
 * made per call by the charge escapes the benchmark loop's reach: {@code -prof gc} shows it as
 * {@code gc.alloc.rate.norm} unless escape analysis removes it inside the method itself, as it would in
 * the product. {@link #control_allocatingCall} shows that an allocation in that position is seen (a one-element
 * {@code int[]}: 24 bytes a call).
 *
 * <p>All state is {@link Scope#Benchmark}: with {@code -t 2} both threads charge the same counter,
 * bucket or limiter, as two request threads of a product would.
 *
 * <p>Names: {@code baseline_*} (the yardsticks; ratios are to {@code baseline_atomicBoundedDecrement}),
 * {@code control_*}, {@code peer_*} (other libraries), {@code tollgate_<strategy><Backend>}.
 * Run through {@link RunBenchmarks}, which attaches the agent with {@link RunBenchmarks#FEATURES} on the
 * {@code local} backend.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallCostBenchmark {

    /** The argument; a field, so that the JIT cannot fold the body into a constant. */
    int x = 42;

    // ---------------------------------------------------------------- baselines

    /** The same body with no charge at all. */
    @State(Scope.Benchmark)
    public static class Plain {
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        public int call(int x) {
            return Body.work(x);
        }
    }

    /** The yardstick: a lock-free bounded decrement of a shared counter (a CAS loop with a floor of 0). */
    @State(Scope.Benchmark)
    public static class AtomicBounded {
        private final AtomicLong credits = new AtomicLong(Long.MAX_VALUE / 2);

        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        public int call(int x) {
            long current;
            do {
                current = credits.get();
                if (current - 1 < 0) {
                    throw Body.denied("the AtomicLong");
                }
            } while (!credits.compareAndSet(current, current - 1));
            return Body.work(x);
        }
    }

    /** A per-call allocation (an {@code int[1]}, 24 bytes) that escapes the call, to show that {@code -prof gc} sees one. */
    @State(Scope.Benchmark)
    public static class Allocating {
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        public int[] call(int x) {
            return new int[] {Body.work(x)};
        }
    }

    @Benchmark
    public int baseline_plainCall(Plain p) {
        return p.call(x);
    }

    @Benchmark
    public int baseline_atomicBoundedDecrement(AtomicBounded p) {
        return p.call(x);
    }

    @Benchmark
    public int control_allocatingCall(Allocating p) {
        return p.call(x)[0];
    }

    // ---------------------------------------------------------------- peers

    /** An unbounded count: {@code LongAdder.increment()}. */
    @State(Scope.Benchmark)
    public static class LongAdderPeer {
        private final LongAdder adder = new LongAdder();

        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        public int call(int x) {
            adder.increment();
            return Body.work(x);
        }
    }

    /** Micrometer: a counter of a {@code SimpleMeterRegistry} (cumulative), looked up once. */
    @State(Scope.Benchmark)
    public static class MicrometerPeer {
        private Counter counter;

        @Setup(Level.Trial)
        public void setUp() {
            counter = new SimpleMeterRegistry().counter("bench.calls");
        }

        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        public int call(int x) {
            counter.increment();
            return Body.work(x);
        }
    }

    /** Dropwizard Metrics: a {@code Meter} (count and moving rates), looked up once. */
    @State(Scope.Benchmark)
    public static class DropwizardPeer {
        private Meter meter;

        @Setup(Level.Trial)
        public void setUp() {
            meter = new MetricRegistry().meter("bench.calls");
        }

        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        public int call(int x) {
            meter.mark();
            return Body.work(x);
        }
    }

    /**
     * Bucket4j: a local bucket (the default lock-free synchronization) that starts with 10^12 tokens and
     * refills greedily at 10^8 a second (Bucket4j allows at most one a nanosecond), so it never denies
     * during a run; every call still does the refill arithmetic.
     */
    @State(Scope.Benchmark)
    public static class Bucket4jPeer {
        static final long CAPACITY = 1_000_000_000_000L;
        private Bucket bucket;

        @Setup(Level.Trial)
        public void setUp() {
            bucket = Bucket.builder()
                    .addLimit(limit -> limit.capacity(CAPACITY).refillGreedy(CAPACITY, Duration.ofSeconds(10_000)))
                    .build();
        }

        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        public int call(int x) {
            if (!bucket.tryConsume(1)) {
                throw Body.denied("Bucket4j");
            }
            return Body.work(x);
        }
    }

    /**
     * Resilience4j: an {@code AtomicRateLimiter} with {@code Integer.MAX_VALUE} permits a second and a
     * timeout of 0, so it never waits and never denies during a run.
     */
    @State(Scope.Benchmark)
    public static class Resilience4jPeer {
        private RateLimiter limiter;

        @Setup(Level.Trial)
        public void setUp() {
            limiter = RateLimiter.of("bench", RateLimiterConfig.custom()
                    .limitForPeriod(Integer.MAX_VALUE)
                    .limitRefreshPeriod(Duration.ofSeconds(1))
                    .timeoutDuration(Duration.ZERO)
                    .build());
        }

        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        public int call(int x) {
            if (!limiter.acquirePermission()) {
                throw Body.denied("Resilience4j");
            }
            return Body.work(x);
        }
    }

    @Benchmark
    public int peer_longAdderIncrement(LongAdderPeer p) {
        return p.call(x);
    }

    @Benchmark
    public int peer_micrometerCounterIncrement(MicrometerPeer p) {
        return p.call(x);
    }

    @Benchmark
    public int peer_dropwizardMeterMark(DropwizardPeer p) {
        return p.call(x);
    }

    @Benchmark
    public int peer_bucket4jTryConsume(Bucket4jPeer p) {
        return p.call(x);
    }

    @Benchmark
    public int peer_resilience4jAcquirePermission(Resilience4jPeer p) {
        return p.call(x);
    }

    // ---------------------------------------------------------------- Tollgate, on the local ledger

    /** {@link Product#strict}: {@code sync: strict}, one locked read-and-write of the ledger file per call. */
    @State(Scope.Benchmark)
    public static class Strict extends MeteringState {
        public Strict() {
            super("local", "bench_strict");
        }
    }

    /**
     * {@link Product#leased}: {@code sync: leased}, credits spent from a lease of up to
     * {@value RunBenchmarks#BLOCK}; the balance is the credits left as this process sees them.
     */
    @State(Scope.Benchmark)
    public static class Leased extends MeteringState {
        public Leased() {
            super("local", "bench_leased");
        }
    }

    /** {@link Product#batched}: {@code sync: batched}, usage with no cap; the balance is the units used, unsent included. */
    @State(Scope.Benchmark)
    public static class Batched extends MeteringState {
        public Batched() {
            super("local", "bench_batched");
        }
    }

    /**
     * {@link Product#batchedCapped}: {@code sync: batched}, usage under a cap of {@value RunBenchmarks#USAGE_CAP},
     * room reserved {@value RunBenchmarks#BLOCK} units at a time.
     */
    @State(Scope.Benchmark)
    public static class BatchedCapped extends MeteringState {
        public BatchedCapped() {
            super("local", "bench_batchedCapped");
        }
    }

    /**
     * {@link Product#leasedDefault}: a credits feature configured with {@code mode: credits} and its opening
     * credits only, so {@code leased} with leases sized by demand (no {@code block}), as a vendor ships it.
     */
    @State(Scope.Benchmark)
    public static class LeasedDefault extends MeteringState {
        public LeasedDefault() {
            super("local", "bench_leasedDefault");
        }
    }

    /** {@link Product#batchedDefault}: a usage feature configured with {@code mode: usage} only, so {@code batched}, no cap. */
    @State(Scope.Benchmark)
    public static class BatchedDefault extends MeteringState {
        public BatchedDefault() {
            super("local", "bench_batchedDefault");
        }
    }

    @Benchmark
    public int tollgate_strictLocal(Strict t) {
        return t.product.strict(x);
    }

    @Benchmark
    public int tollgate_leasedLocal(Leased t) {
        return t.product.leased(x);
    }

    @Benchmark
    public int tollgate_batchedLocal(Batched t) {
        return t.product.batched(x);
    }

    @Benchmark
    public int tollgate_batchedCappedLocal(BatchedCapped t) {
        return t.product.batchedCapped(x);
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
