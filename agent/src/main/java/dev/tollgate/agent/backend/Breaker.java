package dev.tollgate.agent.backend;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * backend answers, but only with errors: 503, garbage, resets). A single fast failure does not open it,
 * so one lost packet denies one call, not a second of calls.
 *
 * <p>A step the backend refused as too many ({@linkplain Outcome#rateLimited() rate limited}, HTTP 429) opens
 * it at once: nothing more is sent until the wait the backend asked for ({@code Retry-After}, at most
 * {@value #LONGEST_RETRY_AFTER_MILLIS} ms) has passed, or {@value #FIRST_PROBE_MILLIS} ms when it asked for
 * none; then one probe goes, and a later 429 waits again as long as that one asks. Being rate limited is said
 * in one line at most once a minute ({@value #RATE_LIMIT_QUIET_MILLIS} ms), with the closing line only after
 * a rate limit that was said.
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
    /** A longer {@code Retry-After} is cut to this: a backend that asks for an hour is asked again sooner. */
    static final long LONGEST_RETRY_AFTER_MILLIS = 60_000;
    /** A rate limit is said again only this long after it was last said. */
    static final long RATE_LIMIT_QUIET_MILLIS = 60_000;
    private static final long NEVER = Long.MIN_VALUE;

    private final Backend backend;
    private final Consumer<String> warn;
    private final Consumer<String> info;
    private final Clock clock;
    private final AtomicInteger failuresInARow = new AtomicInteger();
    /** Why the breaker is open, or null while closed. */
    private final AtomicReference<Opened> open = new AtomicReference<>();
    /** When a rate limit was last said (clock nanos), or {@link #NEVER}. */
    private final AtomicLong rateLimitSaidAt = new AtomicLong(NEVER);
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
        if (outcome.rateLimited()) {
            failuresInARow.set(0);
            openRateLimited(counter, outcome);
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
        Opened o = new Opened(answer, new Prober(counter, FIRST_PROBE_MILLIS));
        if (!open.compareAndSet(null, o)) {
            return;
        }
        o.said = true;
        warn.accept(backend.describe() + " is not answering (" + why + ": " + failure.detail() + "); until it "
                + "answers again, paid calls are decided at once by each feature's onBackendFailure, and the backend "
                + "is checked in the background");
        o.prober.start();
    }

    /** Opens for a 429: nothing is sent until the wait it asked for has passed. */
    private void openRateLimited(String counter, Outcome failure) {
        if (closed) {
            return;
        }
        long pause = pauseAfter(failure, FIRST_PROBE_MILLIS);
        Outcome answer = Outcome.unavailable("it is rate limiting these calls (" + failure.detail() + "); not sent, "
                + "tried again after " + seconds(pause));
        Opened o = new Opened(answer, new Prober(counter, pause));
        if (!open.compareAndSet(null, o)) {
            return;
        }
        long now = clock.nanos();
        long said = rateLimitSaidAt.get();
        if (said == NEVER || now - said >= TimeUnit.MILLISECONDS.toNanos(RATE_LIMIT_QUIET_MILLIS)) {
            rateLimitSaidAt.set(now);
            o.said = true;
            warn.accept(backend.describe() + " is rate limiting this agent (" + failure.detail() + "); for "
                    + seconds(pause) + " paid calls are decided at once by each feature's onBackendFailure, then it is "
                    + "tried again (said at most once a minute while it lasts)");
        }
        o.prober.start();
    }

    /** How long to wait after a rate-limited answer: its Retry-After, capped, else {@code otherwise}. */
    private static long pauseAfter(Outcome rateLimited, long otherwise) {
        long asked = rateLimited.retryAfterMillis();
        return asked > 0 ? Math.min(asked, LONGEST_RETRY_AFTER_MILLIS) : otherwise;
    }

    /** Called by the prober when the backend answered: steps go to it again. */
    private void answeredAgain(Opened o, long openMillis) {
        if (open.compareAndSet(o, null)) {
            failuresInARow.set(0);
            if (!o.said) {
                return; // a rate limit said a moment ago; its end is not news either
            }
            info.accept(backend.describe() + " answers again after " + seconds(openMillis)
                    + "; paid calls reach it again");
        }
    }

    private static String seconds(long millis) {
        return (millis / 1000) + "." + (millis % 1000 / 100) + " s";
    }

    /** The state while open: the answer every step gets, the thread that probes, and whether it was said. */
    private static final class Opened {
        final Outcome answer;
        final Prober prober;
        volatile boolean said;

        Opened(Outcome answer, Prober prober) {
            this.answer = answer;
            this.prober = prober;
        }
    }

    /**
     * Reads the counter whose step failed, with a growing pause (or, after a 429, the wait each 429 asked for),
     * until the backend answers.
     */
    private final class Prober extends Thread {
        private final String counter;
        private final long firstPause;

        Prober(String counter, long firstPause) {
            super("tollgate-probe");
            this.counter = counter;
            this.firstPause = firstPause;
            setDaemon(true);
        }

        @Override
        public void run() {
            long openedAt = clock.nanos();
            long pause = firstPause;
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
                    long doubled = Math.min(LONGEST_PROBE_MILLIS, pause * 2);
                    pause = answer != null && answer.rateLimited() ? pauseAfter(answer, doubled) : doubled;
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
