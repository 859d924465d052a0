package dev.tollgate.agent.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The breaker: when it opens, what it answers while open, and how it closes again. */
class BreakerTest {

    private final ScriptedBackend backend = new ScriptedBackend();
    private final ManualClock clock = new ManualClock();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<String> infos = new CopyOnWriteArrayList<>();
    private final Breaker breaker = new Breaker(backend, warnings::add, infos::add, clock);

    @AfterEach
    void close() {
        breaker.close();
    }

    @Test
    void aStepThatTimesOutOpensTheBreakerAndLaterStepsAreAnsweredWithoutReachingTheBackend() {
        backend.next(Outcome.ambiguous("read timeout after 2000 ms"), 2000);

        Outcome first = breaker.take("export", 1, 0);
        Outcome second = breaker.take("export", 1, 0);
        Outcome third = breaker.add("render", 1, Backend.NO_CAP);

        assertThat(first.detail()).isEqualTo("read timeout after 2000 ms");
        assertThat(backend.steps.get()).as("steps that reached the backend").isEqualTo(1);
        assertThat(second.status()).isEqualTo(Outcome.Status.UNAVAILABLE);
        assertThat(second.ambiguous()).as("a step not sent was certainly not applied").isFalse();
        assertThat(second.detail()).contains("is not answering", "read timeout after 2000 ms", "not sent");
        assertThat(third.status()).isEqualTo(Outcome.Status.UNAVAILABLE);
        assertThat(breaker.isOpen()).isTrue();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("scripted backend is not answering", "failed after 2000 ms",
                "onBackendFailure");
    }

    @Test
    void oneFastFailureDoesNotOpenTheBreaker() {
        backend.next(Outcome.unavailable("HTTP 503"), 5);
        backend.next(Outcome.granted(9), 5);

        assertThat(breaker.take("export", 1, 0).status()).isEqualTo(Outcome.Status.UNAVAILABLE);
        assertThat(breaker.take("export", 1, 0).isGranted()).isTrue();

        assertThat(breaker.isOpen()).isFalse();
        assertThat(backend.steps.get()).isEqualTo(2);
        assertThat(warnings).isEmpty();
    }

    @Test
    void threeFastFailuresInARowOpenTheBreaker() {
        for (int i = 0; i < Breaker.FAILURES_TO_OPEN; i++) {
            backend.next(Outcome.unavailable("HTTP 429"), 5);
        }

        for (int i = 0; i < Breaker.FAILURES_TO_OPEN + 2; i++) {
            breaker.add("render", 1, Backend.NO_CAP);
        }

        assertThat(backend.steps.get()).isEqualTo(Breaker.FAILURES_TO_OPEN);
        assertThat(warnings).singleElement().asString().contains("3 steps failed in a row", "HTTP 429");
    }

    @Test
    void aRateLimitOpensTheBreakerAtOnceForAsLongAsItsRetryAfterAsks() throws Exception {
        backend.next(Outcome.rateLimited("HTTP 429 (too many requests, Retry-After 3 s)", 3000), 5);

        Outcome first = breaker.take("export", 1, 0);
        Outcome second = breaker.take("export", 1, 0);
        clock.awaitSleeping();

        assertThat(first.rateLimited()).isTrue();
        assertThat(first.ambiguous()).as("a 429 was certainly not applied").isFalse();
        assertThat(breaker.isOpen()).as("one 429 is enough").isTrue();
        assertThat(backend.steps.get()).as("steps that reached the backend").isEqualTo(1);
        assertThat(second.status()).isEqualTo(Outcome.Status.UNAVAILABLE);
        assertThat(second.ambiguous()).isFalse();
        assertThat(second.detail()).contains("rate limiting", "HTTP 429", "not sent", "after 3.0 s");
        assertThat(clock.pauses).as("the first probe waits what Retry-After asked").containsExactly(3000L);
        assertThat(warnings).singleElement().asString().contains("scripted backend is rate limiting this agent",
                "HTTP 429", "for 3.0 s", "onBackendFailure");
    }

    @Test
    void aRateLimitWithoutRetryAfterWaitsTheUsualProbeDelay() throws Exception {
        backend.next(Outcome.rateLimited("HTTP 429 (too many requests)", 0), 5);

        breaker.add("render", 1, Backend.NO_CAP);
        clock.awaitSleeping();

        assertThat(breaker.isOpen()).isTrue();
        assertThat(clock.pauses).containsExactly(Breaker.FIRST_PROBE_MILLIS);
    }

    @Test
    void aSillyRetryAfterIsCut() throws Exception {
        backend.next(Outcome.rateLimited("HTTP 429", 3_600_000), 5);

        breaker.take("export", 1, 0);
        clock.awaitSleeping();

        assertThat(clock.pauses).containsExactly(Breaker.LONGEST_RETRY_AFTER_MILLIS);
    }

    @Test
    void afterARateLimitASuccessfulProbeClosesTheBreaker() throws Exception {
        backend.next(Outcome.rateLimited("HTTP 429", 2000), 5);
        breaker.take("export", 1, 0);
        backend.next(Outcome.rateLimited("HTTP 429", 4000), 5); // the first probe: still limited, asks for 4 s
        backend.next(Outcome.granted(41), 5);                   // the second probe
        backend.next(Outcome.granted(40), 5);                   // the next step

        clock.elapse();
        clock.elapse();
        awaitClosed();
        Outcome after = breaker.take("export", 1, 0);

        assertThat(clock.pauses).as("each wait as its 429 asked").containsExactly(2000L, 4000L);
        assertThat(backend.reads).containsExactly("export", "export");
        assertThat(after.isGranted()).isTrue();
        assertThat(warnings).hasSize(1);
        assertThat(infos).singleElement().asString().contains("scripted backend answers again after 6.0 s");
    }

    @Test
    void aRateLimitThatComesBackWithinAMinuteIsNotSaidAgain() throws Exception {
        for (int round = 0; round < 3; round++) {
            backend.next(Outcome.rateLimited("HTTP 429", 1000), 5);
            breaker.take("export", 1, 0);
            backend.next(Outcome.granted(10), 5); // the probe
            clock.elapse();
            awaitClosed();
        }

        assertThat(warnings).as("said once").singleElement().asString().contains("is rate limiting");
        assertThat(infos).as("its end said once, after the line that was said").hasSize(1);
        assertThat(backend.steps.get()).isEqualTo(3);

        clock.advance(Breaker.RATE_LIMIT_QUIET_MILLIS);
        backend.next(Outcome.rateLimited("HTTP 429", 1000), 5);
        breaker.take("export", 1, 0);

        assertThat(warnings).as("said again a minute later").hasSize(2);
    }

    @Test
    void aRateLimitDoesNotCountTowardsARunOfFailures() {
        backend.next(Outcome.unavailable("reset"), 5);
        backend.next(Outcome.unavailable("reset"), 5);
        backend.next(Outcome.rateLimited("HTTP 429", 1000), 5);

        for (int i = 0; i < 3; i++) {
            breaker.take("export", 1, 0);
        }

        assertThat(warnings).singleElement().asString().contains("rate limiting").doesNotContain("in a row");
    }

    private void awaitClosed() throws InterruptedException {
        for (int i = 0; i < 1000 && breaker.isOpen(); i++) {
            Thread.sleep(10);
        }
        assertThat(breaker.isOpen()).as("closed by the probe").isFalse();
    }

    @Test
    void anAnswerThatIsNotAFailureEndsARunOfFailures() {
        backend.next(Outcome.unavailable("reset"), 5);
        backend.next(Outcome.unavailable("reset"), 5);
        backend.next(Outcome.boundReached(0), 5);
        backend.next(Outcome.unavailable("reset"), 5);
        backend.next(Outcome.misconfigured("the token lacks DecrementIntValue"), 5);
        backend.next(Outcome.unavailable("reset"), 5);

        for (int i = 0; i < 6; i++) {
            breaker.take("export", 1, 0);
        }

        assertThat(breaker.isOpen()).isFalse();
        assertThat(backend.steps.get()).isEqualTo(6);
    }

    @Test
    void theProbeClosesTheBreakerWhenTheBackendAnswersAgainAndSaysSoOnce() throws Exception {
        backend.next(Outcome.ambiguous("read timeout"), 2000);
        breaker.take("export", 1, 0);
        backend.next(Outcome.unavailable("connection refused"), 5); // the first probe
        backend.next(Outcome.granted(41), 5); // the second probe
        backend.next(Outcome.granted(40), 5); // the next step

        clock.elapse(); // first probe after 0.5 s: still down
        clock.elapse(); // second probe after 1 s more: answers
        for (int i = 0; i < 1000 && breaker.isOpen(); i++) {
            Thread.sleep(10);
        }
        Outcome after = breaker.take("export", 1, 0);

        assertThat(clock.pauses).containsExactly(Breaker.FIRST_PROBE_MILLIS, 2 * Breaker.FIRST_PROBE_MILLIS);
        assertThat(backend.reads).containsExactly("export", "export");
        assertThat(after.isGranted()).isTrue();
        assertThat(breaker.isOpen()).isFalse();
        assertThat(infos).singleElement().asString().contains("scripted backend answers again", "paid calls reach it");
        assertThat(warnings).hasSize(1);
    }

    @Test
    void whileOpenAReadIsAnsweredAtOnceToo() {
        backend.next(Outcome.ambiguous("read timeout"), 1500);
        breaker.take("export", 1, 0);

        Outcome read = breaker.read("export");

        assertThat(read.status()).isEqualTo(Outcome.Status.UNAVAILABLE);
        assertThat(backend.reads).isEmpty();
    }

    @Test
    void closingStopsTheProberAndClosesTheBackend() throws Exception {
        backend.next(Outcome.ambiguous("read timeout"), 1500);
        breaker.take("export", 1, 0);
        clock.awaitSleeping();

        breaker.close();

        assertThat(backend.closed).isTrue();
        assertThat(clock.sleeperEnded.tryAcquire(10, TimeUnit.SECONDS)).as("the prober ended").isTrue();
    }

    @Test
    void itNamesTheBackendItGuards() {
        assertThat(breaker.describe()).isEqualTo("scripted backend");
        assertThat(breaker.toString()).isEqualTo("scripted backend");
        assertThat(breaker.journalScope()).isEqualTo("scripted-scope");
    }

    /** Answers steps from a script; each answer says how long it "took" on the manual clock. */
    private final class ScriptedBackend implements Backend {
        final Deque<Object[]> script = new ArrayDeque<>();
        final AtomicInteger steps = new AtomicInteger();
        final List<String> reads = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        synchronized void next(Outcome o, long tookMillis) {
            script.add(new Object[] {o, tookMillis});
        }

        private synchronized Outcome answer() {
            Object[] next = script.poll();
            if (next == null) {
                throw new AssertionError("the backend was reached with nothing scripted");
            }
            clock.advance((Long) next[1]);
            return (Outcome) next[0];
        }

        @Override
        public Outcome take(String counter, long units, long lowerBound) {
            steps.incrementAndGet();
            return answer();
        }

        @Override
        public Outcome add(String counter, long units, long cap) {
            steps.incrementAndGet();
            return answer();
        }

        @Override
        public Outcome read(String counter) {
            reads.add(counter);
            return answer();
        }

        @Override
        public String journalScope() {
            return "scripted-scope";
        }

        @Override
        public String describe() {
            return "scripted backend";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /**
     * A clock whose sleeps wait for the test: {@link #elapse} lets one sleep end, so each probe happens when the
     * test says.
     */
    private static final class ManualClock implements Breaker.Clock {
        private volatile long now = 1_000_000_000L;
        final List<Long> pauses = new CopyOnWriteArrayList<>();
        final Semaphore sleeping = new Semaphore(0);
        final Semaphore wake = new Semaphore(0);
        final Semaphore sleeperEnded = new Semaphore(0);

        void advance(long millis) {
            now += TimeUnit.MILLISECONDS.toNanos(millis);
        }

        /** Waits until the prober sleeps, then ends that sleep. */
        void elapse() throws InterruptedException {
            assertThat(sleeping.tryAcquire(10, TimeUnit.SECONDS)).as("the prober sleeps").isTrue();
            wake.release();
        }

        /** Waits until the prober sleeps or has ended. */
        void awaitSleeping() throws InterruptedException {
            for (int i = 0; i < 1000 && sleeping.availablePermits() == 0 && sleeperEnded.availablePermits() == 0; i++) {
                Thread.sleep(10);
            }
        }

        @Override
        public long nanos() {
            return now;
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
            pauses.add(millis);
            sleeping.release();
            try {
                wake.acquire();
            } catch (InterruptedException e) {
                sleeperEnded.release();
                throw e;
            }
            advance(millis);
        }
    }
}
