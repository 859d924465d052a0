package dev.tollgate.agent.meter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class CallsByThreadTest {

    private final CallsByThread calls = new CallsByThread(true);

    /** A new, unstarted thread whose entry in the table is {@code t}'s. Ids are given at construction. */
    static Thread sharingTheEntryOf(Thread t, Runnable body) {
        for (int i = 0; i < 4 * CallsByThread.SIZE; i++) {
            Thread candidate = new Thread(body);
            if (CallsByThread.index(candidate) == CallsByThread.index(t)) {
                return candidate;
            }
        }
        throw new AssertionError("no new thread's id shares the entry of " + t);
    }

    @Test
    void aThreadGetsItsOwnCallsAndTheSameOnesEachTime() {
        Thread me = Thread.currentThread();
        Metering.Calls mine = calls.get(me);

        assertThat(mine.owner).isSameAs(me);
        assertThat(calls.get(me)).isSameAs(mine);
        assertThat(calls.table[CallsByThread.index(me)]).as("the entry the hot path reads").isSameAs(mine);
    }

    @Test
    void aThreadWhoseEntryALiveThreadHoldsGetsItsOwnCallsAndLeavesTheEntry() throws Exception {
        Thread me = Thread.currentThread();
        Metering.Calls mine = calls.get(me);
        AtomicReference<Metering.Calls> theirs = new AtomicReference<>();
        AtomicReference<Metering.Calls> theirsAgain = new AtomicReference<>();
        Thread other = sharingTheEntryOf(me, () -> {
            theirs.set(calls.get(Thread.currentThread()));
            theirsAgain.set(calls.get(Thread.currentThread()));
        });
        other.start();
        other.join();

        assertThat(theirs.get()).isNotSameAs(mine);
        assertThat(theirs.get().owner).isSameAs(other);
        assertThat(theirsAgain.get()).as("from the thread local").isSameAs(theirs.get());
        assertThat(calls.table[CallsByThread.index(me)]).isSameAs(mine);
    }

    @Test
    void anEntryOfAThreadThatEndedIsTakenOverOnceForgotten() throws Exception {
        Thread first = new Thread(() -> calls.get(Thread.currentThread()));
        first.start();
        first.join();
        AtomicReference<Metering.Calls> seconds = new AtomicReference<>();
        Thread second = sharingTheEntryOf(first, () -> {
            seconds.set(calls.get(Thread.currentThread()));
            Metering.Calls before = calls.table[CallsByThread.index(first)];
            assertThat(before.owner).as("not taken on the call path").isSameAs(first);
            calls.forgetEnded();
            assertThat(calls.get(Thread.currentThread())).isSameAs(seconds.get());
        });
        AtomicReference<Throwable> failed = new AtomicReference<>();
        second.setUncaughtExceptionHandler((t, e) -> failed.set(e));
        second.start();
        second.join();

        assertThat(failed.get()).isNull();
        assertThat(seconds.get().owner).isSameAs(second);
        assertThat(calls.table[CallsByThread.index(first)]).isSameAs(seconds.get());
    }

    @Test
    void threadsThatEndedAreForgottenAndLiveOnesKept() throws Exception {
        Thread me = Thread.currentThread();
        Metering.Calls mine = calls.get(me);
        Thread ended = new Thread(() -> calls.get(Thread.currentThread()));
        ended.start();
        ended.join();
        assertThat(calls.table[CallsByThread.index(ended)]).isNotNull();

        calls.forgetEnded();

        assertThat(calls.table[CallsByThread.index(ended)]).isNull();
        assertThat(calls.table[CallsByThread.index(me)]).isSameAs(mine);
    }

    @Test
    void aTableThatIsNotUsedNeverHoldsAThreadAndStillGivesEachItsOwnCalls() throws Exception {
        CallsByThread strict = new CallsByThread(false);
        Thread me = Thread.currentThread();
        Metering.Calls mine = strict.get(me);

        assertThat(strict.get(me)).isSameAs(mine);
        assertThat(mine.owner).isSameAs(me);
        assertThat(strict.table).containsOnlyNulls();
    }
}
