package dev.tollgate.agent.meter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** The sync thread's one-off tasks, and its end when nothing is left to watch. */
class SyncerTest {

    @Test
    void aTaskRunOnceRunsOnceOnTheSyncThreadWhichThenEndsAndALaterTaskStartsAnother() throws Exception {
        Syncer syncer = new Syncer();
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Thread> first = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        syncer.once(0, () -> {
            first.set(Thread.currentThread());
            runs.incrementAndGet();
            ran.countDown();
        });
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        first.get().join(10_000);
        assertThat(first.get().isAlive()).as("nothing watched: the thread ended").isFalse();
        assertThat(first.get().getName()).isEqualTo("tollgate-sync");
        assertThat(runs.get()).isEqualTo(1);

        AtomicReference<Thread> second = new AtomicReference<>();
        CountDownLatch again = new CountDownLatch(1);
        syncer.once(0, () -> {
            second.set(Thread.currentThread());
            again.countDown();
        });
        assertThat(again.await(10, TimeUnit.SECONDS)).as("a new thread for the next task").isTrue();
        assertThat(second.get()).isNotSameAs(first.get());
        assertThat(runs.get()).as("the first task did not run again").isEqualTo(1);
        syncer.stop();
    }
}
