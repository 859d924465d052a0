package dev.tollgate.agent.meter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.UsageDeniedException.Reason;
import dev.tollgate.agent.ThreadStates;
import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.backend.Grants;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.ConfigLoader;
import dev.tollgate.agent.config.Feature;
import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.journal.JournalState;
import dev.tollgate.agent.ledger.LocalLedger;
import dev.tollgate.agent.site.Site;
import dev.tollgate.agent.site.Sites;

/**
 * Leased credits and batched usage, through the metering runtime: on the local ledger (grants recorded with
 * the counter) and on a backend of plain counters (read-back, adoption, offline grace).
 */
class JournaledChargeTest {

    @TempDir
    Path dir;

    private final List<Metering> open = new ArrayList<>();
    private final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(Metering::close);
        backends.forEach(Backend::close);
    }

    private Path ledgerDir() {
        return dir.resolve("ledger");
    }

    private Path journals() {
        return ledgerDir().resolve("journal");
    }

    private LocalLedger ledger(long opening) {
        LocalLedger l = new LocalLedger(ledgerDir(), Map.of("export", opening), journals(), dir.resolve("witness"));
        backends.add(l);
        return l;
    }

    private static final class Run {
        final Metering metering;
        final Sites sites = new Sites();

        Run(Metering metering) {
            this.metering = metering;
            sites.listen(metering);
        }

        Site site(String feature, int cost) {
            return sites.register(feature, cost, "com.acme.Reports", feature + "()", "@Metered");
        }

        /** One call: null when it ran, else the denial. */
        Throwable call(Site s) {
            return call(s, null);
        }

        Throwable callThatThrows(Site s) {
            return call(s, new IllegalStateException("the method failed"));
        }

        /** As woven code does: enter, and unless denied, exit with the token and what the body threw. */
        private Throwable call(Site s, Throwable thrown) {
            Object token = metering.enter(s.id(), JournaledChargeTest.class);
            if (token instanceof Throwable) {
                return (Throwable) token;
            }
            metering.exit(s.id(), token, thrown);
            return null;
        }
    }

    private Run run(String yaml, Backend backend) {
        Config config = new ConfigLoader(Map.of(), "/home/u").parse(yaml, "t.yml", dir);
        assertThat(config.problems()).isEmpty();
        Metering m = new Metering(config, backend);
        open.add(m);
        return new Run(m);
    }

    private static int served(Run r, Site s, int calls) {
        int ran = 0;
        for (int i = 0; i < calls; i++) {
            if (r.call(s) == null) {
                ran++;
            }
        }
        return ran;
    }

    /** Calls until the first denial; how many ran. */
    private static int servedUntilDenied(Run r, Site s) {
        int ran = 0;
        while (r.call(s) == null) {
            ran++;
        }
        return ran;
    }

    /** {@code threads} threads make {@code calls} calls each at once; how many ran. */
    private static int servedOnThreads(Run r, Site s, int threads, int calls) throws Exception {
        return onThreads(threads, () -> served(r, s, calls));
    }

    /** {@code threads} threads run {@code each} at once; the sum of what they return. */
    private static int onThreads(int threads, Callable<Integer> each) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(each));
            }
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            return total;
        } finally {
            pool.shutdown();
        }
    }

    private static Reason reason(Throwable t) {
        assertThat(t).isInstanceOf(UsageDeniedException.class);
        return ((UsageDeniedException) t).getReason();
    }

    private long journalFiles() throws IOException {
        if (!Files.isDirectory(journals())) {
            return 0;
        }
        try (Stream<Path> s = Files.list(journals())) {
            return s.count();
        }
    }

    // ---- local ledger: leased credits ----

    private static final String LEASED = "features:\n  export: { mode: credits, sync: leased, block: 100 }\n";

    @Test
    void leasedCreditsAreSpentFromABlockAndTheUnusedRestIsBackAtClose() throws IOException {
        LocalLedger ledger = ledger(1000);
        Run r = run(LEASED, ledger);
        Site s = r.site("export", 0);

        assertThat(served(r, s, 10)).isEqualTo(10);
        assertThat(ledger.read("export").value()).as("the block is held, not yet confirmed as spent").isEqualTo(1000);

        r.metering.close();
        assertThat(ledger.read("export").value()).isEqualTo(990);
        assertThat(journalFiles()).as("a settled journal is deleted").isZero();
    }

    @Test
    void eightThreadsSpendExactlyTheCreditsThereAreAndThenAreDenied() throws Exception {
        LocalLedger ledger = ledger(1000);
        Run r = run(LEASED, ledger);
        Site s = r.site("export", 0);
        int total = onThreads(8, () -> servedUntilDenied(r, s));

        assertThat(total).as("each thread spent its share before it was denied").isEqualTo(1000);
        assertThat(reason(r.call(s))).isEqualTo(Reason.CREDITS_EXHAUSTED);
        r.metering.close();
        assertThat(ledger.read("export").value()).isZero();
    }

    @Test
    void eightThreadsThatStopBeforeTheEndStillLeaveEveryCreditToTheOthers() throws Exception {
        LocalLedger ledger = ledger(1000);
        Run r = run(LEASED, ledger);
        Site s = r.site("export", 0);
        int total = servedOnThreads(r, s, 8, 100); // 800 calls, from threads that then stop

        assertThat(total).isEqualTo(800);
        assertThat(servedUntilDenied(r, s)).as("near the end no thread takes more than its call").isEqualTo(200);
    }

    @Test
    void theShareOfAThreadThatEndedGoesBackToItsProcess() throws Exception {
        LocalLedger ledger = ledger(1_000_000);
        Run r = run("features:\n  export: { mode: credits, sync: leased }\n", ledger);
        Site s = r.site("export", 0);
        Thread worker = new Thread(() -> served(r, s, 100_000)); // a tight loop: it takes shares
        worker.start();
        worker.join();

        // The sync thread looks for ended threads every second; until then their shares wait for them.
        long total = 100_000;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (total < 1_000_000 && System.nanoTime() < deadline) {
            total += servedUntilDenied(r, s);
            Thread.sleep(50);
        }

        assertThat(total).isEqualTo(1_000_000);
        assertThat(reason(r.call(s))).isEqualTo(Reason.CREDITS_EXHAUSTED);
        r.metering.close();
        assertThat(ledger.read("export").value()).isZero();
    }

    @Test
    void creditsAThreadTookAndNeverSpentGoBackToTheLedgerAtExit() throws Exception {
        LocalLedger ledger = ledger(1_000_000);
        Run r = run("features:\n  export: { mode: credits, sync: leased }\n", ledger);
        Site s = r.site("export", 0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Live threads that stop calling keep their shares until the process ends.
            pool.submit(() -> served(r, s, 30_000)).get(30, TimeUnit.SECONDS);
            pool.submit(() -> served(r, s, 20_000)).get(30, TimeUnit.SECONDS);
            r.metering.close();
        } finally {
            pool.shutdown();
        }

        assertThat(ledger.read("export").value()).isEqualTo(1_000_000 - 50_000);
    }

    @Test
    void aStrictTakeCannotSpendCreditsThatAreLeasedToAJournal() {
        LocalLedger ledger = ledger(150);
        Run r = run(LEASED, ledger);
        served(r, r.site("export", 0), 1); // leases 10 (a sixteenth of what is free, near the bound)

        assertThat(ledger.take("export", 141, 0).status()).isEqualTo(dev.tollgate.agent.backend.Outcome.Status.BOUND_REACHED);
        assertThat(ledger.take("export", 140, 0).isGranted()).isTrue();
    }

    @Test
    void aCallThatThrowsGivesItsLeasedCreditBack() {
        LocalLedger ledger = ledger(10);
        Run r = run("features:\n  export: { mode: credits, sync: leased, refund: onException }\n", ledger);
        Site s = r.site("export", 0);

        for (int i = 0; i < 20; i++) {
            assertThat(r.callThatThrows(s)).isNull();
        }
        assertThat(served(r, s, 3)).isEqualTo(3);
        r.metering.close();
        assertThat(ledger.read("export").value()).isEqualTo(7);
    }

    @Test
    void theJournalOfAProcessThatEndedWithoutClosingIsSettledByTheNextOne() throws IOException {
        LocalLedger first = ledger(1000);
        Run crashed = run(LEASED, first);
        Site s = crashed.site("export", 0);
        assertThat(served(crashed, s, 30)).isEqualTo(30);
        // As kill -9 would: the lock goes, nothing is settled.
        journalOf(crashed, s).close();
        open.remove(crashed.metering);
        assertThat(journalFiles()).isEqualTo(1);

        Run next = run(LEASED, ledger(1000));
        assertThat(served(next, next.site("export", 0), 5)).isEqualTo(5);

        assertThat(first.read("export").value()).as("the ended journal's 30 were confirmed, its other 70 are back")
                .isEqualTo(970);
        next.metering.close();
        assertThat(first.read("export").value()).isEqualTo(965);
        assertThat(journalFiles()).isZero();
    }

    private static Journal journalOf(Run r, Site s) {
        Journal j = r.metering.journalOf(s.feature());
        assertThat(j).isNotNull();
        return j;
    }

    @Test
    void callsAfterTheJournalWasSettledAtExitAreChargedStrictly() throws IOException {
        LocalLedger ledger = ledger(100);
        Run r = run("features:\n  export: { mode: credits, sync: leased, refund: onException }\n", ledger);
        Site s = r.site("export", 0);
        assertThat(served(r, s, 2)).isEqualTo(2);

        r.metering.close(); // as the shutdown hook does; another hook still calls the product
        assertThat(ledger.read("export").value()).isEqualTo(98);
        assertThat(served(r, s, 3)).isEqualTo(3);
        assertThat(r.callThatThrows(s)).isNull();

        assertThat(ledger.read("export").value()).as("3 strict charges; the throwing call's was given back")
                .isEqualTo(95);
        assertThat(journalFiles()).isZero();
    }

    // ---- local ledger: batched usage ----

    @Test
    void batchedUsageUnderACapServesExactlyTheCapAcrossThreads() throws Exception {
        LocalLedger ledger = ledger(0);
        Run r = run("features:\n  render: { mode: usage, sync: batched, bound: 500, block: 40 }\n", ledger);
        Site s = r.site("render", 0);
        int total = servedOnThreads(r, s, 4, 200);

        assertThat(total).isEqualTo(500);
        assertThat(reason(r.call(s))).isEqualTo(Reason.CAP_REACHED);
        r.metering.close();
        assertThat(ledger.read("render").value()).isEqualTo(500);
    }

    @Test
    void batchedUsageWithoutACapIsSentInTheBackgroundEveryFlushInterval() throws Exception {
        LocalLedger ledger = ledger(0);
        Run r = run("features:\n  render: { mode: usage, sync: batched, flushEvery: 100ms }\n", ledger);
        Site s = r.site("render", 0);

        assertThat(served(r, s, 42)).isEqualTo(42);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ledger.read("render").value() != 42 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ledger.read("render").value()).isEqualTo(42);
        assertThat(r.metering.balance("render")).hasValue(42);
    }

    @Test
    void aBalanceReadWhileUsageIsBeingConfirmedCountsThatUsageOnce() throws Exception {
        LocalLedger ledger = ledger(0);
        AtomicReference<LocalAccount> account = new AtomicReference<>();
        List<java.util.OptionalLong> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        // Between the counter's write and the journal's record of it, another thread asks for the balance.
        Grants racing = new Grants() {
            @Override
            public Outcome reserve(Counter counter, long journal, long want, long least) {
                return ledger.reserve(counter, journal, want, least);
            }

            @Override
            public Outcome open(Counter counter, long journal) {
                return ledger.open(counter, journal);
            }

            @Override
            public Outcome confirm(Counter counter, long journal, long used, boolean settle) {
                Outcome o = ledger.confirm(counter, journal, used, settle);
                if (!settle) {
                    Thread reader = new Thread(() -> seen.add(account.get().balance()));
                    reader.start();
                    try {
                        reader.join(300); // returns at once if the balance is not held off until the commit ends
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return o;
            }

            @Override
            public void force(String counter) {
                ledger.force(counter);
            }

            @Override
            public Path journalDir() {
                return ledger.journalDir();
            }
        };
        LocalAccount a = new LocalAccount(racing, ledger, Counter.usage("render", Backend.NO_CAP));
        account.set(a);
        a.open();
        a.journal().claim().add(42);

        assertThat(a.commit().isGranted()).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(seen).as("the balance read during the commit").containsExactly(java.util.OptionalLong.of(42));
        a.close();
    }

    // ---- plain counters (Cryptolens-like): leases with read-back ----

    private static final String REMOTE = "journal: { dir: journals }\nfeatures:\n";

    @Test
    void nearTheBoundEachLeaseTakesASixteenthOfWhatIsLeftSoOtherProcessesGetTheirShare() {
        FakeCounters backend = new FakeCounters().set("export", 250);
        Run r = run(REMOTE + "  export: { mode: credits, sync: leased, block: 100 }\n", backend);
        Site s = r.site("export", 0);

        assertThat(served(r, s, 300)).isEqualTo(250);
        assertThat(backend.value("export")).isZero();
        // 100 is more than a sixteenth of 250: 16, then a sixteenth of what is free each time (15, 14, 13, 12, ...,
        // 1), so that other processes on the counter get their share: 53 steps for the last 250 credits.
        assertThat(backend.takes.get()).isEqualTo(53);
    }

    @Test
    void leasesAreSizedByTheCallRateSoRequestsStayFewAtFullSpeed() {
        FakeCounters backend = new FakeCounters().set("export", Integer.MAX_VALUE);
        Run r = run(REMOTE + "  export: { mode: credits, sync: leased }\n", backend);
        Site s = r.site("export", 0);

        long calls = 0;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
        while (System.nanoTime() < until) {
            calls += served(r, s, 10_000);
        }

        // With leases of a fixed 100 credits this was one lease per 100 calls. Sized by demand: four-fold growth
        // from 100 while the rate is unknown, then about one lease per second (leaseFor), taken ahead.
        assertThat(calls).isGreaterThan(1_000_000);
        assertThat(backend.takes.get()).as("leases for %d calls", calls).isLessThan(25);
        assertThat(backend.value("export")).isLessThanOrEqualTo(Integer.MAX_VALUE - calls);
    }

    @Test
    void aLeaseRefusedBecauseAnotherProcessLeasedMeanwhileIsSizedAgainWhileCreditsAreLeft() {
        // 20 left: this process leases 2 (a sixteenth), but another takes 19 between its read and its lease.
        FakeCounters backend = new FakeCounters().set("export", 20).othersTake(19).fail(FakeCounters.Fault.OTHERS_FIRST);
        Run r = run(REMOTE + "  export: { mode: credits, sync: leased }\n", backend);

        assertThat(r.call(r.site("export", 0))).as("the last credit is served, not denied").isNull();
        assertThat(backend.value("export")).isZero();
        assertThat(backend.takes.get()).isEqualTo(2);
    }

    @Test
    void afterARemoteBackendRefusedForTheBoundCallsAreDeniedWithoutAskingItAgainAtEachCall() {
        FakeCounters backend = new FakeCounters().set("export", 10);
        Run r = run(REMOTE + "  export: { mode: credits, sync: leased }\n", backend);
        Site s = r.site("export", 0);
        assertThat(servedUntilDenied(r, s)).isEqualTo(10);
        int reads = backend.reads.get();

        for (int i = 0; i < 1_000; i++) {
            assertThat(reason(r.call(s))).isEqualTo(Reason.CREDITS_EXHAUSTED);
        }

        assertThat(backend.reads.get() - reads).as("asked again at most once a leaseFor").isLessThanOrEqualTo(1);
    }

    @Test
    void aLeaseWhoseAnswerWasLostButWhichWasAppliedIsReadBackAndNotTakenAgain() {
        FakeCounters backend = new FakeCounters().set("export", 10_000).fail(FakeCounters.Fault.LOST_AFTER_APPLYING);
        Run r = run(REMOTE + "  export: { mode: credits, sync: leased, block: 100 }\n", backend);

        assertThat(served(r, r.site("export", 0), 1)).isEqualTo(1);
        assertThat(backend.value("export")).as("one block left the counter, once").isEqualTo(9_900);
        assertThat(backend.takes.get()).isEqualTo(1);
    }

    @Test
    void aLeaseWhoseAnswerWasLostBeforeItWasAppliedIsReadBackAndTakenAgain() {
        FakeCounters backend = new FakeCounters().set("export", 10_000).fail(FakeCounters.Fault.LOST_BEFORE_APPLYING);
        Run r = run(REMOTE + "  export: { mode: credits, sync: leased, block: 100 }\n", backend);
        Site s = r.site("export", 0);

        Throwable first = r.call(s);
        assertThat(reason(first)).as("not applied: this call had nothing to spend").isEqualTo(Reason.BACKEND_UNAVAILABLE);
        assertThat(served(r, s, 1)).isEqualTo(1);
        assertThat(backend.value("export")).isEqualTo(9_900);
    }

    @Test
    void aLostLeaseThatAnotherProcessMadeLookAppliedIsWrittenOffAndNeverServed() {
        // Our lease of 100 is lost before it is applied, while another process takes all 130: read back, the
        // counter is lower than our lease alone would leave it, so nobody can tell whether ours was applied.
        FakeCounters backend = new FakeCounters().set("export", 130).fail(FakeCounters.Fault.LOST_BEFORE_APPLYING)
                .othersTake(130);
        Run r = run(REMOTE + "  export: { mode: credits, sync: leased, block: 100 }\n", backend);
        Site s = r.site("export", 0);

        assertThat(reason(r.call(s))).isEqualTo(Reason.BACKEND_UNAVAILABLE);
        assertThat(reason(r.call(s))).as("none of the 100 is served: the backend never gave them")
                .isEqualTo(Reason.CREDITS_EXHAUSTED);
    }

    @Test
    void aLostLeaseReadBackAtExactlyWhatItWouldLeaveIsServed() {
        FakeCounters backend = new FakeCounters().set("export", 130).fail(FakeCounters.Fault.LOST_AFTER_APPLYING);
        Run r = run(REMOTE + "  export: { mode: credits, sync: leased, block: 100 }\n", backend);

        assertThat(served(r, r.site("export", 0), 200)).as("the 100 of the lost lease, then the 30 left").isEqualTo(130);
        assertThat(backend.value("export")).isZero();
    }

    @Test
    void creditsLeasedAndUnspentAtExitAreSpentFirstByTheNextRun() {
        FakeCounters backend = new FakeCounters().set("export", 10_000);
        String yaml = REMOTE + "  export: { mode: credits, sync: leased, block: 100 }\n";
        Run first = run(yaml, backend);
        assertThat(served(first, first.site("export", 0), 10)).isEqualTo(10);
        first.metering.close();
        int takes = backend.takes.get();

        Run next = run(yaml, backend);
        assertThat(served(next, next.site("export", 0), 90)).isEqualTo(90);

        assertThat(backend.takes.get()).as("the 90 left were the journal's").isEqualTo(takes);
        assertThat(backend.value("export")).isEqualTo(9_900);
    }

    @Test
    void batchedUsageIsSentOnceCoalescedAndALostAnswerIsNotSentTwice() {
        FakeCounters backend = new FakeCounters().fail(FakeCounters.Fault.LOST_AFTER_APPLYING);
        Run r = run(REMOTE + "  render: { mode: usage, sync: batched }\n", backend);

        assertThat(served(r, r.site("render", 0), 30)).isEqualTo(30);
        r.metering.close();

        assertThat(backend.value("render")).isEqualTo(30);
        assertThat(backend.adds.get()).isEqualTo(1);
    }

    @ParameterizedTest(name = "sends applied: {0}")
    @ValueSource(booleans = {true, false})
    void endedJournalsWithLostSendsAreReadBackBothTheOneCarriedOnAndTheOneAbsorbed(boolean applied)
            throws IOException {
        // Two processes were killed while a send was unanswered: 5 units and 7, both sent at a value of 0.
        FakeCounters backend = new FakeCounters().set("render", applied ? 12 : 0);
        Path journals = dir.resolve("journals");
        for (int units : new int[] {5, 7}) {
            Journal ended = Journal.create(journals, "render", false);
            ended.claim().add(units);
            ended.state(ended.state().pending(JournalState.Op.ADD, units, 0));
            ended.close();
        }

        Run r = run(REMOTE + "  render: { mode: usage, sync: batched }\n", backend);
        assertThat(served(r, r.site("render", 0), 1)).isEqualTo(1);
        r.metering.close();

        assertThat(backend.value("render")).as("5 + 7 + 1, each unit once").isEqualTo(13);
        try (Stream<Path> left = Files.list(journals)) {
            assertThat(left.filter(f -> f.toString().endsWith(".journal"))).as("no journal left for a later start")
                    .isEmpty();
        }
    }

    // ---- offline ----

    @Test
    void offlineCallsAreServedWithinTheGraceUnitsThenDeniedAsOfflineAndSentWhenTheBackendIsBack() {
        FakeCounters backend = new FakeCounters();
        backend.down(true);
        Run r = run(REMOTE + "  render: { mode: usage, sync: batched, bound: 1000, onBackendFailure: grace, "
                + "grace: { units: 5 } }\n", backend);
        Site s = r.site("render", 0);

        assertThat(served(r, s, 5)).isEqualTo(5);
        Throwable sixth = r.call(s);
        assertThat(reason(sixth)).isEqualTo(Reason.OFFLINE);
        assertThat(sixth).hasMessageContaining("offline grace of 5 units is used up");

        backend.down(false);
        assertThat(served(r, s, 1)).isEqualTo(1);
        r.metering.close();
        assertThat(backend.value("render")).isEqualTo(6);
    }

    @Test
    void creditsServedOfflineBeyondTheLeaseAreTakenWhenTheBackendIsBack() {
        FakeCounters backend = new FakeCounters().set("export", 100);
        backend.down(true);
        Run r = run(REMOTE + "  export: { mode: credits, sync: leased, onBackendFailure: grace, "
                + "grace: { units: 3 } }\n", backend);
        Site s = r.site("export", 0);

        assertThat(served(r, s, 4)).isEqualTo(3);
        backend.down(false);
        r.metering.close();

        assertThat(backend.value("export")).as("the 3 offline credits were taken afterwards").isEqualTo(97);
    }

    @Test
    void restartingTheProductDoesNotRenewTheGraceUnits() {
        FakeCounters backend = new FakeCounters();
        backend.down(true);
        String yaml = REMOTE + "  render: { mode: usage, sync: batched, bound: 1000, onBackendFailure: grace, "
                + "grace: { units: 5 } }\n";
        Run first = run(yaml, backend);
        assertThat(served(first, first.site("render", 0), 4)).isEqualTo(4);
        first.metering.close(); // the 4 unsent units stay in the journal

        Run second = run(yaml, backend);
        Site s = second.site("render", 0);
        assertThat(served(second, s, 1)).isEqualTo(1);
        assertThat(reason(second.call(s))).isEqualTo(Reason.OFFLINE);

        backend.down(false);
        second.metering.close();
        assertThat(backend.value("render")).as("both runs' offline usage was sent").isEqualTo(5);
    }

    @Test
    void graceTimeCountsFromTheLastAnswerOfAnEarlierRun() throws IOException {
        FakeCounters backend = new FakeCounters();
        Path journals = dir.resolve("journals");
        Files.createDirectories(journals);
        long twoHoursAgo = System.currentTimeMillis() - TimeUnit.HOURS.toMillis(2);
        Files.write(journals.resolve("render.synced"), java.nio.ByteBuffer.allocate(8).putLong(twoHoursAgo).array());
        backend.down(true);

        Run r = run(REMOTE + "  render: { mode: usage, sync: batched, bound: 1000, onBackendFailure: grace, "
                + "grace: { time: 1h } }\n", backend);
        Throwable denied = r.call(r.site("render", 0));

        assertThat(reason(denied)).isEqualTo(Reason.OFFLINE);
        assertThat(denied).hasMessageContaining("longer than the grace of 3600 s");
    }

    @Test
    void aRunWhoseJournalWasAllSentLeavesTheTimeOfItsLastAnswerForTheNext() throws IOException {
        FakeCounters backend = new FakeCounters();
        Run r = run(REMOTE + "  render: { mode: usage, sync: batched }\n", backend);
        assertThat(served(r, r.site("render", 0), 3)).isEqualTo(3);
        long before = System.currentTimeMillis();
        r.metering.close();

        byte[] marker = Files.readAllBytes(dir.resolve("journals").resolve("render.synced"));
        assertThat(java.nio.ByteBuffer.wrap(marker).getLong()).isBetween(before - 60_000, System.currentTimeMillis());
        assertThat(backend.value("render")).isEqualTo(3);
    }

    /**
     * Counts the forces an allowance asks of its account, can hold refills until a test lets them go, and passes
     * everything else on.
     */
    private static final class WatchedAccount implements Account {
        final Account inner;
        final java.util.concurrent.atomic.AtomicInteger forces = new java.util.concurrent.atomic.AtomicInteger();
        final CountDownLatch refillStarted = new CountDownLatch(1);
        /** When set, each refill waits for it. */
        volatile CountDownLatch refillMayGo;

        WatchedAccount(Account inner) {
            this.inner = inner;
        }

        @Override
        public long open() throws IOException {
            return inner.open();
        }

        @Override
        public Journal journal() {
            return inner.journal();
        }

        @Override
        public dev.tollgate.agent.backend.Outcome refill(long least, long want, long held) {
            refillStarted.countDown();
            CountDownLatch go = refillMayGo;
            if (go != null) {
                try {
                    assertThat(go.await(10, TimeUnit.SECONDS)).as("the test lets the refill go").isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return inner.refill(least, want, held);
        }

        @Override
        public void force() {
            forces.incrementAndGet();
            inner.force();
        }

        @Override
        public dev.tollgate.agent.backend.Outcome commit() {
            return inner.commit();
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public java.util.OptionalLong balance() {
            return inner.balance();
        }

        @Override
        public long unconfirmed() {
            return inner.unconfirmed();
        }

        @Override
        public long lastSync() {
            return inner.lastSync();
        }

        @Override
        public boolean bounded() {
            return inner.bounded();
        }
    }

    @Test
    void underFsyncIntervalTheSyncThreadForcesTheJournalAndTheCounterEachIntervalAndNeverPerCall() {
        LocalLedger ledger = ledger(1000);
        WatchedAccount account = new WatchedAccount(new LocalAccount(ledger, ledger, Counter.credits("export", 0)));
        JournaledCharge a = charge(
                "journal: { fsync: interval, fsyncEvery: 100ms }\nfeatures:\n  export: { mode: credits }\n", account, ledger);
        try {
            Metering.Calls c = new Metering.Calls(Thread.currentThread());
            for (int i = 0; i < 50; i++) {
                assertThat(a.charge(c, 1)).isSameAs(Verdict.GO);
            }
            assertThat(account.forces.get()).as("no force on the calls' path").isZero();

            long start = System.currentTimeMillis();
            a.sync(start + 100);
            a.sync(start + 150);
            a.sync(start + 250);
            assertThat(account.forces.get()).as("one per interval").isEqualTo(2);
        } finally {
            a.close();
        }
        assertThat(ledger.read("export").value()).isEqualTo(950);
    }

    @Test
    void theSyncThreadForgetsThreadsThatEnded() throws Exception {
        LocalLedger ledger = ledger(1000);
        JournaledCharge a = charge("features:\n  export: { mode: credits }\n",
                new LocalAccount(ledger, ledger, Counter.credits("export", 0)), ledger);
        try {
            Thread t = new Thread(() -> a.charge(a.calls.get(Thread.currentThread()), 1));
            t.start();
            t.join();
            assertThat(a.calls.table[CallsByThread.index(t)]).as("the journaled feature's table").isNotNull();

            a.sync(System.currentTimeMillis());

            assertThat(a.calls.table[CallsByThread.index(t)]).isNull();
        } finally {
            a.close();
        }
        assertThat(ledger.read("export").value()).as("its charge still counts").isEqualTo(999);
    }

    @Test
    void aThreadThatSharesTheTableEntryOfAThreadInsideTheFeatureIsStillCharged() throws Exception {
        Run r = run("features:\n  export: { mode: credits, sync: leased }\n", ledger(10));
        Site s = r.site("export", 0);

        Object inside = r.metering.enter(s.id(), JournaledChargeTest.class); // this thread now holds its entry
        assertThat(inside).isNotInstanceOf(Throwable.class);
        AtomicReference<Throwable> denied = new AtomicReference<>();
        Thread other = CallsByThreadTest.sharingTheEntryOf(Thread.currentThread(), () -> denied.set(r.call(s)));
        other.start();
        other.join();
        r.metering.exit(s.id(), inside, null);

        assertThat(denied.get()).isNull();
        assertThat(r.metering.balance("export")).as("both calls charged").hasValue(8);
    }

    @Test
    void aCallThatWaitsWhileAnotherGetsALeaseIsParkedNotBlockedOnAMonitor() throws Exception {
        LocalLedger ledger = ledger(1000);
        WatchedAccount account = new WatchedAccount(new LocalAccount(ledger, ledger, Counter.credits("export", 0)));
        account.refillMayGo = new CountDownLatch(1);
        JournaledCharge a = charge("features:\n  export: { mode: credits, sync: leased, block: 10 }\n", account, ledger);
        try {
            Runnable call = () -> a.charge(a.calls.get(Thread.currentThread()), 1);

            // A virtual thread parked on a java.util.concurrent lock leaves its carrier; one blocked on a monitor
            // pins it on JDK 21-23, and a lease can take a network round trip.
            assertThat(ThreadStates.waiterWhileHeld(call, account.refillStarted, call, account.refillMayGo))
                    .isEqualTo(Thread.State.WAITING);
        } finally {
            a.close();
        }
        assertThat(ledger.read("export").value()).as("both calls charged").isEqualTo(998);
    }

    @Test
    void aBalanceReadWhileALeaseIsOnTheWireIsParkedNotBlockedOnAMonitor() throws Exception {
        FakeCounters backend = new FakeCounters().set("export", 1000);
        Run r = run(REMOTE + "  export: { mode: credits, sync: leased, block: 10 }\n", backend);
        Site s = r.site("export", 0);
        backend.holdTakes = new CountDownLatch(1);

        assertThat(ThreadStates.waiterWhileHeld(() -> r.call(s), backend.taking, () -> r.metering.balance("export"),
                backend.holdTakes)).isEqualTo(Thread.State.WAITING);
        assertThat(r.metering.balance("export")).as("the call was charged once").hasValue(999);
    }

    @Test
    void aBalanceReadWhileTheLedgerConfirmsIsParkedNotBlockedOnAMonitor() throws Exception {
        LocalLedger ledger = ledger(1000);
        LocalAccount account = new LocalAccount(ledger, ledger, Counter.credits("export", 0));
        JournaledCharge a = charge("features:\n  export: { mode: credits }\n", account, ledger);
        try {
            assertThat(a.charge(a.calls.get(Thread.currentThread()), 1)).isSameAs(Verdict.GO);
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);

            assertThat(ThreadStates.waiterWhileHeld(ThreadStates.holding(account.lock, holding, release), holding,
                    account::balance, release)).isEqualTo(Thread.State.WAITING);
            assertThat(account.balance()).hasValue(999);
        } finally {
            a.close();
        }
    }

    /**
     * The allowance of feature {@code export} as {@code yaml} configures it, on {@code account}, with no sync
     * thread: the test calls {@link JournaledCharge#sync} itself, at times it chooses, and a call that runs out of
     * units gets them itself.
     */
    private JournaledCharge charge(String yaml, Account account, Backend backend) {
        Config config = new ConfigLoader(Map.of(), "/home/u").parse(yaml, "t.yml", dir);
        assertThat(config.problems()).isEmpty();
        Syncer syncer = new Syncer();
        syncer.stop();
        Feature export = config.features().get("export");
        return new JournaledCharge("export", export, account, config.journal(), syncer,
                new StrictCharge("export", Charge.counterOf(export), backend, false, null));
    }
}
