package dev.tollgate.agent.meter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Only a thread in a tight loop takes more than its call, and none does when the backend gave less than asked. */
class ThreadSharesTest {

    private static Metering.Calls calls() {
        return new Metering.Calls(Thread.currentThread());
    }

    @Test
    void aThreadThatMakesAFewCallsTakesNothingBeyondThem() {
        Metering.Calls c = calls();

        for (int i = 0; i < 6; i++) {
            assertThat(ThreadShares.next(c, false)).as("call %d", i + 1).isZero();
        }
    }

    @Test
    void aThreadInATightLoopTakesMoreEachTimeItComesBackWithinAMillisecond() {
        Metering.Calls c = calls();
        c.shareAt = System.nanoTime(); // it just took one
        long extra = 0;
        for (int i = 0; i < 64 && extra == 0; i++) { // seven fast ones in a row suffice; a preempted one only waits
            extra = ThreadShares.next(c, false);
        }
        long nextExtra = ThreadShares.next(c, false); // before asserting: loading the assertions takes milliseconds

        assertThat(extra).isGreaterThanOrEqualTo(ThreadShares.AFTER);
        assertThat(nextExtra).as("doubled, unless this thread was preempted for a millisecond meanwhile")
                .isIn(2 * extra + 1, extra);
    }

    @Test
    void whenTheBackendGaveLessThanAskedNoThreadTakesAnExtra() {
        Metering.Calls c = calls();
        c.shareSize = 1 << 20;
        c.shareAt = System.nanoTime();

        assertThat(ThreadShares.next(c, true)).isZero();
        assertThat(c.shareSize).as("it starts again from nothing").isZero();
    }

    @Test
    void aThreadWhoseSharesLastLongerTakesLess() {
        Metering.Calls c = calls();
        c.shareSize = 1 << 20;
        c.shareAt = System.nanoTime() - 10 * ThreadShares.NANOS;

        assertThat(ThreadShares.next(c, false)).isEqualTo(1 << 19);
    }
}
