package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 40;

    private CryptolensEmulator emulator;
    private Fixture f;
    private ExecutorService pool;

    @BeforeEach
    void start() {
        emulator = CryptolensEmulator.start();
        f = new Fixture(emulator);
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        emulator.close();
    }

    /** Runs {@code call} CALLS_PER_THREAD times on each of THREADS threads at once; counts the successes. */
    private int hammer(Callable<Client.Reply> call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            results.add(pool.submit(() -> {
                go.await();
                int successes = 0;
                for (int i = 0; i < CALLS_PER_THREAD; i++) {
                    if (call.call().result() == 0) {
                        successes++;
                    }
                }
                return successes;
            }));
        }
        go.countDown();
        int total = 0;
        for (Future<Integer> result : results) {
            total += result.get(60, TimeUnit.SECONDS);
        }
        return total;
    }

    @Test
    void manyThreadsDecrementingNeverOverspend() throws Exception {
        f.key.dataObject("credits", 100);

        int successes = hammer(() -> f.decrement("credits", 1, true, 0));

        assertThat(successes).isEqualTo(100);
        assertThat(f.key.value("credits")).isZero();
        assertThat(emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY)).hasSize(THREADS * CALLS_PER_THREAD);
    }

    @Test
    void manyThreadsIncrementingNeverPassTheCap() throws Exception {
        f.key.dataObject("usage", 0);

        int successes = hammer(() -> f.increment("usage", 3, true, 200));

        assertThat(successes).isEqualTo(66);
        assertThat(f.key.value("usage")).isEqualTo(198);
    }

    @Test
    void unboundedStepsFromManyThreadsAreNeverLost() throws Exception {
        f.key.dataObject("usage", 0);

        int successes = hammer(() -> f.increment("usage", 1, false, 0));

        assertThat(successes).isEqualTo(THREADS * CALLS_PER_THREAD);
        assertThat(f.key.value("usage")).isEqualTo(THREADS * CALLS_PER_THREAD);
    }

    @Test
    void stepsOnOneObjectAreAtomicWithoutHttpInTheWay() throws Exception {
        DataObject credits = f.key.dataObject("credits", 100_000);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            results.add(pool.submit(() -> {
                go.await();
                int successes = 0;
                for (int i = 0; i < 25_000; i++) {
                    if (credits.step(-1, false, true, 0) == null) {
                        successes++;
                    }
                }
                return successes;
            }));
        }
        go.countDown();
        int total = 0;
        for (Future<Integer> result : results) {
            total += result.get(60, TimeUnit.SECONDS);
        }

        assertThat(total).isEqualTo(100_000);
        assertThat(credits.intValue()).isZero();
    }

    @Test
    void concurrentAddsWithDuplicateCheckMakeOneObject() throws Exception {
        int successes = hammer(() -> f.call("AddDataObjectToKey", "Name", "once", "CheckForDuplicates", "true"));

        assertThat(successes).isEqualTo(1);
        assertThat(f.key.dataObjects()).hasSize(1);
    }
}
