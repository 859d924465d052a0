package dev.tollgate.agent.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.tollgate.agent.ThreadStates;
import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.backend.Outcome.Status;

class LocalLedgerTest {

    @TempDir
    Path dir;

    /** Where the user's home would keep the ledgers' witnesses. */
    @TempDir
    Path witnesses;

    private LocalLedger ledger(long exportOpening) {
        return new LocalLedger(dir, Map.of("export", exportOpening), dir.resolve("journal"), witnesses);
    }

    private Path exportFile() {
        return dir.resolve("export.counter");
    }

    private static void assertOutcome(Outcome o, Status status, long value) {
        assertThat(o.status()).as("%s", o).isEqualTo(status);
        assertThat(o.value()).as("%s", o).isEqualTo(value);
        assertThat(o.ambiguous()).isFalse();
    }

    @Test
    void theLedgerKeepsGrantsWithItsCountersSoJournaledFeaturesReserveAndSettleThere() {
        try (LocalLedger ledger = ledger(5)) {
            assertThat(ledger.grants()).isSameAs(ledger);
        }
    }

    // ---- opening balances and bounds ----

    @Test
    void aNewCreditsCounterStartsAtItsOpeningBalance() {
        try (LocalLedger ledger = ledger(5)) {
            assertOutcome(ledger.read("export"), Status.GRANTED, 5);
            assertOutcome(ledger.take("export", 1, 0), Status.GRANTED, 4);
        }
    }

    @Test
    void aCreditsCounterWithoutAnOpeningBalanceHoldsNothing() {
        try (LocalLedger ledger = ledger(5)) {
            assertOutcome(ledger.take("other", 1, 0), Status.BOUND_REACHED, 0);
            assertOutcome(ledger.read("other"), Status.GRANTED, 0);
        }
    }

    @Test
    void aUsageCounterStartsAtZero() {
        try (LocalLedger ledger = ledger(5)) {
            assertOutcome(ledger.read("charts"), Status.GRANTED, 0);
            assertOutcome(ledger.add("charts", 1, Backend.NO_CAP), Status.GRANTED, 1);
        }
    }

    @Test
    void takingDownToExactlyTheBoundIsAllowed() {
        try (LocalLedger ledger = ledger(3)) {
            assertOutcome(ledger.take("export", 3, 0), Status.GRANTED, 0);
            assertOutcome(ledger.take("export", 1, 0), Status.BOUND_REACHED, 0);
        }
    }

    @Test
    void aRaisedLowerBoundIsInclusive() {
        try (LocalLedger ledger = ledger(10)) {
            assertOutcome(ledger.take("export", 6, 4), Status.GRANTED, 4);
            assertOutcome(ledger.take("export", 1, 4), Status.BOUND_REACHED, 4);
        }
    }

    @Test
    void aNegativeLowerBoundAllowsAnOverdraft() {
        try (LocalLedger ledger = ledger(0)) {
            assertOutcome(ledger.take("export", 2, -2), Status.GRANTED, -2);
            assertOutcome(ledger.take("export", 1, -2), Status.BOUND_REACHED, -2);
        }
    }

    @Test
    void aStepThatWouldCrossTheBoundIsRefusedWholeAndTheValueIsUnchanged() {
        try (LocalLedger ledger = ledger(5)) {
            assertOutcome(ledger.take("export", 6, 0), Status.BOUND_REACHED, 5);
            assertOutcome(ledger.read("export"), Status.GRANTED, 5);
            assertOutcome(ledger.take("export", 5, 0), Status.GRANTED, 0);
        }
    }

    @Test
    void theUsageCapIsInclusive() {
        try (LocalLedger ledger = ledger(0)) {
            assertOutcome(ledger.add("charts", 3, 5), Status.GRANTED, 3);
            assertOutcome(ledger.add("charts", 3, 5), Status.BOUND_REACHED, 3);
            assertOutcome(ledger.add("charts", 2, 5), Status.GRANTED, 5);
            assertOutcome(ledger.add("charts", 1, 5), Status.BOUND_REACHED, 5);
            assertOutcome(ledger.read("charts"), Status.GRANTED, 5);
        }
    }

    @Test
    void negativeUnitsAreRefusedAndChangeNothing() {
        try (LocalLedger ledger = ledger(5)) {
            assertOutcome(ledger.take("export", -1, 0), Status.BOUND_REACHED, 5);
            assertOutcome(ledger.add("charts", -1, Backend.NO_CAP), Status.BOUND_REACHED, 0);
            assertOutcome(ledger.read("export"), Status.GRANTED, 5);
        }
    }

    // ---- persistence ----

    @Test
    void valuesPersistAcrossNewLedgerInstances() {
        try (LocalLedger first = ledger(10)) {
            first.take("export", 2, 0);
            first.add("charts", 7, Backend.NO_CAP);
        }
        try (LocalLedger restarted = ledger(1000)) {
            assertOutcome(restarted.read("export"), Status.GRANTED, 8);
            assertOutcome(restarted.read("charts"), Status.GRANTED, 7);
            assertOutcome(restarted.take("export", 1, 0), Status.GRANTED, 7);
        }
    }

    @Test
    void readingANeverUsedCounterLeavesItUsable() throws IOException {
        try (LocalLedger ledger = ledger(5)) {
            assertOutcome(ledger.read("export"), Status.GRANTED, 5);
        }
        assertThat(!Files.exists(exportFile()) || Files.size(exportFile()) == 0)
                .as("nothing but an empty file may be left").isTrue();
        try (LocalLedger restarted = ledger(5)) {
            assertOutcome(restarted.read("export"), Status.GRANTED, 5);
            assertOutcome(restarted.take("export", 1, 0), Status.GRANTED, 4);
            assertOutcome(restarted.add("charts", 1, Backend.NO_CAP), Status.GRANTED, 1);
        }
    }

    @Test
    void aClosedLedgerOpensItsCountersAgainWhenUsed() {
        LocalLedger ledger = ledger(5);
        ledger.take("export", 1, 0);
        ledger.close();

        assertOutcome(ledger.take("export", 1, 0), Status.GRANTED, 3);
        ledger.close();
    }

    @Test
    void twoLedgersOnOneFolderUsedInTurnSeeEachOthersSteps() {
        try (LocalLedger a = ledger(10); LocalLedger b = ledger(10)) {
            assertOutcome(a.take("export", 1, 0), Status.GRANTED, 9);
            assertOutcome(b.read("export"), Status.GRANTED, 9);
            assertOutcome(b.take("export", 2, 0), Status.GRANTED, 7);
            assertOutcome(a.read("export"), Status.GRANTED, 7);
            assertOutcome(a.take("export", 7, 0), Status.GRANTED, 0);
            assertOutcome(b.take("export", 1, 0), Status.BOUND_REACHED, 0);
        }
    }

    @Test
    void eachCounterHasItsOwnFileInTheFolder() {
        try (LocalLedger ledger = ledger(5)) {
            ledger.take("export", 1, 0);
            ledger.add("charts", 1, Backend.NO_CAP);

            assertThat(ledger.dir()).isEqualTo(dir);
            assertThat(ledger.describe()).isEqualTo("local ledger in " + dir);
        }
        assertThat(dir.resolve("export.counter")).isRegularFile();
        assertThat(dir.resolve("charts.counter")).isRegularFile();
    }

    @Test
    void theLedgerFolderIsCreatedWhenMissing() {
        Path nested = dir.resolve("var").resolve("lib").resolve("acme");
        try (LocalLedger ledger = new LocalLedger(nested, Map.of("export", 2L), nested.resolve("journal"), witnesses)) {
            assertOutcome(ledger.take("export", 1, 0), Status.GRANTED, 1);
        }
        assertThat(nested.resolve("export.counter")).isRegularFile();
    }

    // ---- a counter of the other kind ----

    @Test
    void aCreditsCounterSteppedAsUsageIsRefusedAndLeftUnchanged() throws IOException {
        try (LocalLedger ledger = ledger(5)) {
            ledger.take("export", 1, 0);
            byte[] before = Files.readAllBytes(exportFile());

            Outcome o = ledger.add("export", 1, Backend.NO_CAP);

            assertThat(o.status()).isEqualTo(Status.MISCONFIGURED);
            assertThat(o.value()).isEqualTo(Outcome.UNKNOWN);
            assertThat(o.detail()).contains(exportFile().toString())
                    .contains("holds a credits counter, but the feature is configured as usage")
                    .contains("it was not changed");
            assertThat(Files.readAllBytes(exportFile())).isEqualTo(before);
            assertOutcome(ledger.read("export"), Status.GRANTED, 4);
            assertOutcome(ledger.take("export", 1, 0), Status.GRANTED, 3);
        }
    }

    @Test
    void aUsageCounterSteppedAsCreditsIsRefusedAndLeftUnchanged() throws IOException {
        try (LocalLedger ledger = ledger(0)) {
            ledger.add("charts", 2, Backend.NO_CAP);
            byte[] before = Files.readAllBytes(dir.resolve("charts.counter"));

            Outcome o = ledger.take("charts", 1, Long.MIN_VALUE);

            assertThat(o.status()).isEqualTo(Status.MISCONFIGURED);
            assertThat(o.detail()).contains("holds a usage counter, but the feature is configured as credits");
            assertThat(Files.readAllBytes(dir.resolve("charts.counter"))).isEqualTo(before);
            assertOutcome(ledger.read("charts"), Status.GRANTED, 2);
        }
    }

    // ---- corrupt files ----

    private void assertCorruptAndUnchanged(byte[] content) throws IOException {
        assertCorruptAndUnchanged(content, "is corrupt");
    }

    /** Every step and read of 'export' is refused with {@code found} and "not reset", also after a restart. */
    private void assertCorruptAndUnchanged(byte[] content, String found) throws IOException {
        Files.write(exportFile(), content);
        for (int run = 0; run < 2; run++) { // a restart does not reset it either
            try (LocalLedger ledger = ledger(100)) {
                List<Outcome> outcomes = List.of(ledger.take("export", 1, 0), ledger.add("export", 1, Backend.NO_CAP),
                        ledger.read("export"));
                for (Outcome o : outcomes) {
                    assertThat(o.status()).as("%s", o).isEqualTo(Status.MISCONFIGURED);
                    assertThat(o.value()).isEqualTo(Outcome.UNKNOWN);
                    assertThat(o.detail()).contains(exportFile().toString()).contains(found)
                            .contains("it was not reset");
                }
            }
            assertThat(Files.readAllBytes(exportFile())).as("bytes after run %d", run).isEqualTo(content);
        }
    }

    @Test
    void aFileOfGarbageIsReportedAndNeverReset() throws IOException {
        byte[] garbage = new byte[64];
        new Random(42).nextBytes(garbage);

        assertCorruptAndUnchanged(garbage);
    }

    @Test
    void aFileOfTextIsReportedAndNeverReset() throws IOException {
        assertCorruptAndUnchanged("export: 1000\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTruncatedFileIsReportedWithWhatTheWitnessRecordedAndNeverReset() throws IOException {
        try (LocalLedger ledger = ledger(10)) {
            ledger.take("export", 1, 0);
            ledger.take("export", 1, 0);
        }
        byte[] written = Files.readAllBytes(exportFile());

        assertCorruptAndUnchanged(Arrays.copyOf(written, 20),
                "is damaged (20 bytes, no readable record), and the ledger's witness");
    }

    @Test
    void aFileWhoseOnlyRecordIsCutShortIsReportedAndNeverReset() throws IOException {
        try (LocalLedger ledger = ledger(10)) {
            ledger.take("export", 1, 0); // the only record is in the second slot
        }
        byte[] written = Files.readAllBytes(exportFile());

        assertCorruptAndUnchanged(Arrays.copyOf(written, 50), "recorded it at step 1 with value 9");
    }

    @Test
    void aFileWithBothSlotsFailingTheirCrcIsReportedAndNeverReset() throws IOException {
        try (LocalLedger ledger = ledger(10)) {
            ledger.take("export", 1, 0);
            ledger.take("export", 1, 0);
        }
        byte[] bytes = Files.readAllBytes(exportFile());
        bytes[12 + 7] ^= 0x01; // value of the first slot
        bytes[CounterFile.REGION + 12 + 7] ^= 0x01; // value of the second slot

        assertCorruptAndUnchanged(bytes, "recorded it at step 2 with value 8");
    }

    /**
     * A newest record damaged after its step returned (the witness recorded it) is reported; the older record is
     * never used in its place. {@code steps} steps of 1 from 10 put the newest record in slot {@code steps % 2}.
     */
    @ParameterizedTest(name = "after {0} steps, byte {1} of the newest slot flipped")
    @CsvSource({"2, 0", "2, 11", "2, 19", "2, 27", "2, 31", "3, 0", "3, 11", "3, 19", "3, 27", "3, 31"})
    void aDamagedNewestRecordOfAStepThatReturnedIsReportedNotRolledBack(int steps, int byteInSlot)
            throws IOException {
        try (LocalLedger ledger = ledger(10)) {
            for (int i = 0; i < steps; i++) {
                ledger.take("export", 1, 0);
            }
        }
        byte[] bytes = Files.readAllBytes(exportFile());
        bytes[(steps % 2) * CounterFile.REGION + byteInSlot] ^= 0x40;
        Files.write(exportFile(), bytes);

        try (LocalLedger ledger = ledger(10)) {
            for (Outcome o : List.of(ledger.read("export"), ledger.take("export", 1, 0))) {
                assertThat(o.status()).as("%s", o).isEqualTo(Status.MISCONFIGURED);
                assertThat(o.detail()).isEqualTo("ledger file " + exportFile() + " is damaged: its newest record fails "
                        + "its checksum, and the record before it (step " + (steps - 1) + ", value " + (11 - steps)
                        + ") is older than the step " + steps + " (value " + (10 - steps) + ") that the ledger's "
                        + "witness " + witnessOf("export") + " recorded: it was not rolled back, and its feature is "
                        + "denied. Put back the latest copy of the file, or ask the vendor of the product");
            }
        }
        assertThat(Files.readAllBytes(exportFile())).isEqualTo(bytes);
    }

    /**
     * A torn write, or a process killed between the counter's write and the witness's, leaves a newest record that
     * was never witnessed: the step never returned, and the older record, which is the witnessed step, stands.
     */
    @Test
    void aDamagedNewestRecordOfAStepThatNeverReturnedFallsBackToTheWitnessedOne() throws IOException {
        try (LocalLedger ledger = ledger(10)) {
            ledger.take("export", 1, 0);
            ledger.take("export", 1, 0); // 8 at step 2, witnessed
        }
        try (CounterFile unwitnessed = new CounterFile(exportFile(), 10)) {
            unwitnessed.take(1, 0); // step 3 written, its witness write never came
        }
        byte[] bytes = Files.readAllBytes(exportFile());
        bytes[CounterFile.REGION + 19] ^= 0x40; // step 3, in the second slot, torn
        Files.write(exportFile(), bytes);

        try (LocalLedger ledger = ledger(10)) {
            assertOutcome(ledger.read("export"), Status.GRANTED, 8);
            assertOutcome(ledger.take("export", 1, 0), Status.GRANTED, 7);
        }
    }

    @Test
    void aDamagedOlderSlotLosesNothing() throws IOException {
        try (LocalLedger ledger = ledger(10)) {
            ledger.take("export", 1, 0);
            ledger.take("export", 1, 0); // 8, in the first slot; 9 in the second
        }
        byte[] bytes = Files.readAllBytes(exportFile());
        bytes[CounterFile.REGION + 12 + 7] ^= 0x01;
        Files.write(exportFile(), bytes);

        try (LocalLedger ledger = ledger(10)) {
            assertOutcome(ledger.read("export"), Status.GRANTED, 8);
            assertOutcome(ledger.take("export", 1, 0), Status.GRANTED, 7);
        }
    }

    private Path witnessOf(String counter) {
        return Witness.dirFor(witnesses, dir).resolve(counter + Witness.SUFFIX);
    }

    // ---- an unusable folder ----

    @Test
    void aRegularFileWhereTheFolderShouldBeIsReportedClearly() throws IOException {
        Path notAFolder = dir.resolve("ledger");
        Files.write(notAFolder, "not a folder".getBytes(StandardCharsets.UTF_8));

        try (LocalLedger ledger = new LocalLedger(notAFolder, Map.of("export", 5L), notAFolder.resolve("journal"), witnesses)) {
            List<Outcome> outcomes = List.of(ledger.take("export", 1, 0), ledger.add("charts", 1, Backend.NO_CAP),
                    ledger.read("export"));
            for (Outcome o : outcomes) {
                assertThat(o.status()).as("%s", o).isEqualTo(Status.MISCONFIGURED);
                assertThat(o.value()).isEqualTo(Outcome.UNKNOWN);
                assertThat(o.detail()).startsWith("ledger " + notAFolder).contains("cannot be used");
            }
        }
        assertThat(new String(Files.readAllBytes(notAFolder), StandardCharsets.UTF_8)).isEqualTo("not a folder");
    }

    @Test
    void aFolderBelowARegularFileIsReportedClearly() throws IOException {
        Path file = dir.resolve("ledger");
        Files.write(file, new byte[0]);

        try (LocalLedger ledger = new LocalLedger(file.resolve("acme"), Map.of(), file.resolve("acme/journal"), witnesses)) {
            Outcome o = ledger.add("charts", 1, Backend.NO_CAP);

            assertThat(o.status()).isEqualTo(Status.MISCONFIGURED);
            assertThat(o.detail()).startsWith("ledger " + file.resolve("acme").resolve("charts.counter"))
                    .contains("cannot be used");
        }
    }

    @Test
    void aFolderWhereTheCounterFileShouldBeIsReportedClearly() throws IOException {
        Files.createDirectories(exportFile());

        try (LocalLedger ledger = ledger(5)) {
            Outcome o = ledger.take("export", 1, 0);

            assertThat(o.status()).isEqualTo(Status.MISCONFIGURED);
            assertThat(o.detail()).startsWith("ledger " + exportFile()).contains("cannot be used");
        }
        assertThat(exportFile()).isDirectory();
    }

    // ---- threads ----

    /** Runs {@code step} on 8 threads until it is refused; returns every granted value. */
    private static List<Long> hammer(Function<Integer, Outcome> step) throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Long> granted = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Outcome> failed = new ConcurrentLinkedQueue<>();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    while (true) {
                        Outcome o = step.apply(thread);
                        if (o.status() == Status.GRANTED) {
                            granted.add(o.value());
                        } else {
                            if (o.status() != Status.BOUND_REACHED) {
                                failed.add(o);
                            }
                            return null;
                        }
                    }
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES); // a guard against a hang, not a timing assertion
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(failed).isEmpty();
        return new ArrayList<>(granted);
    }

    @Test
    void eightThreadsTakingFromNCreditsGetExactlyNGrants() throws Exception {
        int n = 2000;
        try (LocalLedger ledger = ledger(n)) {
            List<Long> granted = hammer(t -> ledger.take("export", 1, 0));

            assertThat(granted).hasSize(n);
            assertThat(granted).as("every grant saw its own value")
                    .containsExactlyInAnyOrderElementsOf(LongStream.range(0, n).boxed().collect(Collectors.toList()));
            assertOutcome(ledger.read("export"), Status.GRANTED, 0);
        }
        try (LocalLedger restarted = ledger(n)) {
            assertOutcome(restarted.read("export"), Status.GRANTED, 0);
        }
    }

    @Test
    void eightThreadsAddingUpToACapGetExactlyTheCap() throws Exception {
        int cap = 1500;
        try (LocalLedger ledger = ledger(0)) {
            List<Long> granted = hammer(t -> ledger.add("charts", 1, cap));

            assertThat(granted).containsExactlyInAnyOrderElementsOf(
                    LongStream.rangeClosed(1, cap).boxed().collect(Collectors.toList()));
            assertOutcome(ledger.read("charts"), Status.GRANTED, cap);
        }
    }

    @Test
    void threadsOnDifferentCountersDoNotDisturbEachOther() throws Exception {
        Map<String, Long> opening = Map.of("c0", 300L, "c1", 300L, "c2", 300L, "c3", 300L);
        try (LocalLedger ledger = new LocalLedger(dir, opening, dir.resolve("journal"), witnesses)) {
            List<Long> granted = hammer(t -> ledger.take("c" + (t % 4), 1, 0));

            assertThat(granted).hasSize(1200);
            for (String c : opening.keySet()) {
                assertOutcome(ledger.read(c), Status.GRANTED, 0);
            }
        }
    }

    @Test
    void aFirstStepWaitingForTheCounterFileToOpenParksRatherThanBlocks() throws Exception {
        try (LocalLedger ledger = ledger(10)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Outcome> taken = new AtomicReference<>();
            Runnable firstTake = () -> taken.set(ledger.take("export", 1, 0));

            assertThat(ThreadStates.waiterWhileHeld(ThreadStates.holding(ledger.opening, holding, release), holding,
                    firstTake, release)).isEqualTo(Thread.State.WAITING);
            assertOutcome(taken.get(), Status.GRANTED, 9);
        }
    }

    // ---- interrupted callers ----

    @Test
    void aStepOnAnInterruptedThreadIsChargedAndKeepsTheInterrupt() throws Exception {
        try (LocalLedger ledger = ledger(10)) {
            ledger.take("export", 1, 0);
            AtomicReference<Outcome> onInterrupted = new AtomicReference<>();
            AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();

            Thread t = new Thread(() -> {
                Thread.currentThread().interrupt();
                onInterrupted.set(ledger.take("export", 1, 0));
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            t.start();
            t.join();

            assertOutcome(onInterrupted.get(), Status.GRANTED, 8);
            assertThat(stillInterrupted.get()).isTrue();
            assertOutcome(ledger.take("export", 1, 0), Status.GRANTED, 7);
            assertOutcome(ledger.add("charts", 1, Backend.NO_CAP), Status.GRANTED, 1);
        }
    }

    @Test
    void anInterruptedThreadDoesNotBreakTheCounterForOthers() throws Exception {
        try (LocalLedger ledger = ledger(1000)) {
            ledger.take("export", 1, 0);
            AtomicInteger interruptedGrants = new AtomicInteger();
            Thread t = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    Thread.currentThread().interrupt();
                    if (ledger.take("export", 1, 0).isGranted()) {
                        interruptedGrants.incrementAndGet();
                    }
                }
            });
            t.start();
            t.join();

            Outcome after = ledger.take("export", 1, 0);

            assertThat(after.status()).as("%s", after).isEqualTo(Status.GRANTED);
            assertThat(after.value()).isEqualTo(1000 - 1 - interruptedGrants.get() - 1);
        }
    }

    @Test
    void aCounterWhoseFileWasClosedUnderneathIsOpenedAgain() throws Exception {
        try (LocalLedger ledger = ledger(10)) {
            ledger.take("export", 1, 0);
            Field open = LocalLedger.class.getDeclaredField("open");
            open.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<String, CounterFile> files = (Map<String, CounterFile>) open.get(ledger);
            files.get("export").close(); // what an interrupt during a file operation does to the channel

            assertOutcome(ledger.take("export", 1, 0), Status.GRANTED, 8);
            assertOutcome(ledger.read("export"), Status.GRANTED, 8);
        }
    }

    // ---- refunds ----

    @Test
    void aCreditsRefundGivesTheUnitsBack() {
        try (LocalLedger ledger = ledger(5)) {
            assertThat(ledger.take("export", 2, 0).value()).isEqualTo(3);
            Outcome refund = ledger.refund("export", 2, true);
            assertThat(refund.status()).isEqualTo(Outcome.Status.GRANTED);
            assertThat(refund.value()).isEqualTo(5);
            assertThat(ledger.read("export").value()).isEqualTo(5);
        }
    }

    @Test
    void aUsageRefundTakesTheUnitsOffButNeverBelowZero() {
        try (LocalLedger ledger = ledger(0)) {
            ledger.add("render", 3, Backend.NO_CAP);
            assertThat(ledger.refund("render", 2, false).value()).isEqualTo(1);
            Outcome tooMuch = ledger.refund("render", 2, false);
            assertThat(tooMuch.status()).isEqualTo(Outcome.Status.BOUND_REACHED);
            assertThat(ledger.read("render").value()).isEqualTo(1);
        }
    }

    @Test
    void aRefundOfTheOtherKindIsRefusedAndChangesNothing() {
        try (LocalLedger ledger = ledger(5)) {
            ledger.take("export", 1, 0);
            assertThat(ledger.refund("export", 1, false).status()).isEqualTo(Outcome.Status.MISCONFIGURED);
            assertThat(ledger.read("export").value()).isEqualTo(4);
        }
    }
}
