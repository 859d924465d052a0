package dev.tollgate.agent.backend;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A circuit breaker in front of a remote backend, so that a backend that hangs or keeps failing costs a
 * product's paid calls one timeout, not one timeout each.
 *
 * <pre>{@code
 * Backend backend = new Breaker(new CryptolensBackend(settings, Log::warn), Log::warn, Log::info);
 * backend.take("export", 1, 0);   // one step; after a failure that took 1 s or more, the next steps
 *                                 // answer UNAVAILABLE at once until a background probe gets an answer
 * }</pre>
 *
 * <p>Closed (the normal state), every step goes to the backend. A step that fails as
 * {@link Outcome.Status#UNAVAILABLE} opens the breaker when it took {@value #SLOW_MILLIS} ms or more (a
 * timeout: the backend hangs), or when it is the {@value #FAILURES_TO_OPEN}th such failure in a row (the
 * backend answers, but only with errors: 503, 429, garbage, resets). A single fast failure does not open it,
 * so one lost packet denies one call, not a second of calls.
 *
 * <p>Open, every step and read answers {@link Outcome#unavailable} at once, without touching the backend:
 * the step was certainly not applied, and each feature's {@code onBackendFailure} decides the call
 * (deny, allow, or grace from the journal) without waiting. A daemon thread probes the backend by reading
 * the counter whose step failed, after 0.5 s and then twice as long each time up to 30 s; the first probe
 * that gets any answer but {@code UNAVAILABLE} closes the breaker. Opening and closing are each said in one
 * line.
 *
 * <p>Answers that are not failures of the backend ({@code GRANTED}, {@code BOUND_REACHED},
 * {@code MISCONFIGURED}) go through unchanged and end a run of failures. Never throws.
 */
public final class Breaker implements Backend {

    /** A failure that took at least this long opens the breaker at once. */
    static final long SLOW_MILLIS = 1000;
    /** Fast failures in a row that open the breaker. */
    static final int FAILURES_TO_OPEN = 3;
    static final long FIRST_PROBE_MILLIS = 500;
    static final long LONGEST_PROBE_MILLIS = 30_000;

    private final Backend backend;
    private final Consumer<String> warn;
    private final Consumer<String> info;
    private final Clock clock;
    private final AtomicInteger failuresInARow = new AtomicInteger();
    /** Why the breaker is open, or null while closed. */
    private final AtomicReference<Opened> open = new AtomicReference<>();
    private volatile boolean closed;

    /**
     * @param backend the backend whose steps are guarded
     * @param warn where the line that says the breaker opened goes
     * @param info where the line that says it closed again goes
     */
    public Breaker(Backend backend, Consumer<String> warn, Consumer<String> info) {
        this(backend, warn, info, Clock.SYSTEM);
    }

    Breaker(Backend backend, Consumer<String> warn, Consumer<String> info, Clock clock) {
        this.backend = backend;
        this.warn = warn;
        this.info = info;
        this.clock = clock;
    }

    @Override
    public Outcome take(String counter, long units, long lowerBound) {
        Opened o = open.get();
        if (o != null) {
            return o.answer;
        }
        long start = clock.nanos();
        return watch(counter, start, backend.take(counter, units, lowerBound));
    }

    @Override
    public Outcome add(String counter, long units, long cap) {
        Opened o = open.get();
        if (o != null) {
            return o.answer;
        }
        long start = clock.nanos();
        return watch(counter, start, backend.add(counter, units, cap));
    }

    @Override
    public Outcome refund(String counter, long units, boolean credits) {
        Opened o = open.get();
        if (o != null) {
            return o.answer;
        }
        long start = clock.nanos();
        return watch(counter, start, backend.refund(counter, units, credits));
    }

    @Override
    public Outcome read(String counter) {
        Opened o = open.get();
        if (o != null) {
            return o.answer;
        }
        long start = clock.nanos();
        return watch(counter, start, backend.read(counter));
    }

    @Override
    public String journalScope() {
        return backend.journalScope();
    }

    @Override
    public String describe() {
        return backend.describe();
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Whether steps are answered at once without reaching the backend; for status and tests. */
    public boolean isOpen() {
        return open.get() != null;
    }

    @Override
    public void close() {
        closed = true;
        Opened o = open.get();
        if (o != null) {
            o.prober.interrupt();
        }
        backend.close();
    }

    private Outcome watch(String counter, long start, Outcome outcome) {
        if (outcome == null) {
            outcome = Outcome.unavailable("the backend gave no answer");
        }
        if (outcome.status() != Outcome.Status.UNAVAILABLE) {
            failuresInARow.set(0);
            return outcome;
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(clock.nanos() - start);
        int inARow = failuresInARow.incrementAndGet();
        if (tookMillis >= SLOW_MILLIS || inARow >= FAILURES_TO_OPEN) {
            open(counter, outcome, tookMillis, inARow);
        }
        return outcome;
    }

    private void open(String counter, Outcome failure, long tookMillis, int inARow) {
        if (closed) {
            return;
        }
        String why = tookMillis >= SLOW_MILLIS ? "a step failed after " + tookMillis + " ms"
                : inARow + " steps failed in a row";
        Outcome answer = Outcome.unavailable("it is not answering (" + why + ": " + failure.detail()
                + "); not sent, checking in the background");
        Opened o = new Opened(answer, new Prober(counter));
        if (!open.compareAndSet(null, o)) {
            return;
        }
        warn.accept(backend.describe() + " is not answering (" + why + ": " + failure.detail() + "); until it "
                + "answers again, paid calls are decided at once by each feature's onBackendFailure, and the backend "
                + "is checked in the background");
        o.prober.start();
    }

    /** Called by the prober when the backend answered: steps go to it again. */
    private void answeredAgain(Opened o, long openMillis) {
        if (open.compareAndSet(o, null)) {
            failuresInARow.set(0);
            info.accept(backend.describe() + " answers again after " + seconds(openMillis)
                    + "; paid calls reach it again");
        }
    }

    private static String seconds(long millis) {
        return (millis / 1000) + "." + (millis % 1000 / 100) + " s";
    }

    /** The state while open: the answer every step gets, and the thread that probes. */
    private static final class Opened {
        final Outcome answer;
        final Prober prober;

        Opened(Outcome answer, Prober prober) {
            this.answer = answer;
            this.prober = prober;
        }
    }

    /** Reads the counter whose step failed, with a growing pause, until the backend answers. */
    private final class Prober extends Thread {
        private final String counter;

        Prober(String counter) {
            super("tollgate-probe");
            this.counter = counter;
            setDaemon(true);
        }

        @Override
        public void run() {
            long openedAt = clock.nanos();
            long pause = FIRST_PROBE_MILLIS;
            try {
                while (!closed) {
                    clock.sleep(pause);
                    Outcome answer;
                    try {
                        answer = backend.read(counter);
                    } catch (Throwable t) {
                        answer = null; // backends never throw; if one does, it is not answering
                    }
                    Opened o = open.get();
                    if (o == null || o.prober != this) {
                        return;
                    }
                    if (answer != null && answer.status() != Outcome.Status.UNAVAILABLE) {
                        answeredAgain(o, TimeUnit.NANOSECONDS.toMillis(clock.nanos() - openedAt));
                        return;
                    }
                    pause = Math.min(LONGEST_PROBE_MILLIS, pause * 2);
                }
            } catch (InterruptedException e) {
                // closing
            }
        }
    }

    /** Time, replaceable in tests. */
    interface Clock {
        Clock SYSTEM = new SystemClock();

        long nanos();

        void sleep(long millis) throws InterruptedException;
    }

    private static final class SystemClock implements Clock {
        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
            Thread.sleep(millis);
        }
    }
}
