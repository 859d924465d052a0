package dev.tollgate.agent.meter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.ConfigLoader;
import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.journal.JournalState;
import dev.tollgate.agent.ledger.LocalLedger;
import dev.tollgate.agent.log.Log;
import dev.tollgate.agent.site.Site;
import dev.tollgate.agent.site.Sites;

/**
 * What a process that ended left in the journals is settled by the next start in the background, also for
 * features that start never calls: on the local ledger and on a backend of plain counters (Cryptolens-like).
 */
class EndedJournalsTest {

    @TempDir
    Path dir;

    private final List<Metering> open = new ArrayList<>();
    private final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(Metering::close);
        backends.forEach(Backend::close);
    }

    private Metering metering(String yaml, Backend backend) {
        Config config = new ConfigLoader(Map.of(), "/home/u").parse(yaml, "t.yml", dir);
        assertThat(config.problems()).isEmpty();
        Metering m = new Metering(config, backend);
        open.add(m);
        return m;
    }

    /** What {@link Metering#settleEndedSoon} runs on the sync thread, run here and now. */
    private static void settleNow(Metering m, String yaml) {
        Config config = new ConfigLoader(Map.of(), "/home/u").parse(yaml, "t.yml", Path.of("."));
        new EndedJournals(m, new ArrayList<>(config.features().values())).run();
    }

    /** One call, as woven code makes it: null when it ran, else the denial. */
    private static Throwable call(Metering m, Site s) {
        Object token = m.enter(s.id(), EndedJournalsTest.class);
        if (token instanceof Throwable) {
            return (Throwable) token;
        }
        m.exit(s.id(), token, null);
        return null;
    }

    /** Each metering's site registry: one per runtime, as the agent has, so that site ids are unique. */
    private final Map<Metering, Sites> sites = new java.util.IdentityHashMap<>();

    private Site site(Metering m, String feature) {
        Sites registry = sites.computeIfAbsent(m, k -> {
            Sites r = new Sites();
            r.listen(k);
            return r;
        });
        return registry.register(feature, 0, "com.acme.Reports", feature + "()", "@Metered");
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(done.getAsBoolean()).as(what).isTrue();
    }

    private static long journalFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(f -> f.toString().endsWith(".journal")).count();
        }
    }

    // ---- the local ledger ----

    /** The first run flushes only at exit, so that its usage is all in its journal when it is "killed". */
    private static final String LOCAL = "features:\n"
            + "  export: { mode: credits, sync: leased, block: 100 }\n"
            + "  render: { mode: usage, sync: batched, flushEvery: 1h, flushUnits: 1000000 }\n"
            + "  scan: { mode: usage, sync: strict }\n";

    private Path ledgerDir() {
        return dir.resolve("ledger");
    }

    private LocalLedger ledger() {
        LocalLedger l = new LocalLedger(ledgerDir(), Map.of("export", 1000L), ledgerDir().resolve("journal"),
                dir.resolve("witness"));
        backends.add(l);
        return l;
    }

    /**
     * What a run killed after serving {@code used} units leaves: its journal, with the grant it reserved in the
     * ledger. Made with the feature's account alone, as a metering runtime would, but with no sync thread that
     * would go on in this JVM after the "kill".
     */
    private static void killedRun(LocalLedger ledger, String yaml, String feature, long reserve, long used)
            throws IOException {
        Config config = new ConfigLoader(Map.of(), "/home/u").parse(yaml, "t.yml", Path.of("."));
        LocalAccount account = new LocalAccount(ledger.grants(), ledger,
                Charge.counterOf(config.features().get(feature)));
        account.open();
        if (reserve > 0) {
            assertThat(account.refill(reserve, reserve, 0).isGranted()).isTrue();
        }
        account.journal().claim().add(used);
        account.journal().close(); // as kill -9 would: the lock goes, nothing is settled
    }

    @Test
    void aStartThatNeverCallsAFeatureSettlesTheJournalsAKilledRunLeftOnTheLocalLedger() throws Exception {
        LocalLedger ledger = ledger();
        killedRun(ledger, LOCAL, "export", 100, 30);
        killedRun(ledger, LOCAL, "render", 0, 42);
        assertThat(ledger.read("render").value()).as("nothing confirmed before the kill").isZero();
        assertThat(ledger.read("export").value()).as("the 30 spent not confirmed; the lease is a grant beside it")
                .isEqualTo(1000);

        Metering next = metering(LOCAL, ledger);
        next.settleEndedAfter(0); // no site, no call

        await("the killed run's 42 units of render confirmed", () -> ledger.read("render").value() == 42);
        await("the killed run's 70 unspent credits back", () -> ledger.read("export").value() == 970);
        assertThat(journalFiles(ledgerDir().resolve("journal"))).as("no journal kept open, no lease held").isZero();
        next.close();
        assertThat(ledger.read("render").value()).isEqualTo(42);
        assertThat(ledger.read("export").value()).isEqualTo(970);
        assertThat(journalFiles(ledgerDir().resolve("journal"))).as("settled journals are deleted").isZero();
    }

    // ---- plain counters (Cryptolens-like) ----

    private static final String REMOTE = "journal: { dir: journals }\nfeatures:\n"
            + "  export: { mode: credits, sync: leased, block: 100 }\n"
            + "  render: { mode: usage, sync: batched, flushEvery: 100ms }\n"
            + "  scan: { mode: usage, sync: strict }\n";

    private Path journals() {
        return dir.resolve("journals");
    }

    /** A journal as a process killed after serving {@code units} of {@code counter} leaves it. */
    private Journal ended(String counter, boolean credits, long units) throws IOException {
        Journal j = Journal.create(journals(), counter, credits);
        j.claim().add(units);
        if (credits) {
            j.state(j.state().granted(units));
        }
        return j;
    }

    @Test
    void aStartThatNeverCallsABatchedFeatureSendsTheUsageAKilledRunLeftUnsent() throws Exception {
        FakeCounters backend = new FakeCounters().set("render", 1_715_279);
        ended("render", false, 33_509).close();

        Metering m = metering(REMOTE, backend);
        m.settleEndedAfter(0); // no site, no call

        await("the 33,509 unsent units sent without a call", () -> backend.value("render") == 1_748_788);
        m.close();
        assertThat(backend.value("render")).as("sent once").isEqualTo(1_748_788);
        assertThat(backend.adds.get()).isEqualTo(1);
        assertThat(journalFiles(journals())).as("nothing left for a later start").isZero();
    }

    @Test
    void creditsAKilledRunServedBeyondItsLeaseAreTakenWithoutLeasingMoreForAFeatureNeverCalled() throws Exception {
        FakeCounters backend = new FakeCounters().set("export", 900);
        Journal j = ended("export", true, 100);
        j.claim().add(20); // served offline within the grace, beyond the lease of 100
        j.close();

        Metering m = metering(REMOTE, backend);
        settleNow(m, REMOTE);

        assertThat(backend.value("export")).as("the 20 taken, and no lease").isEqualTo(880);
        assertThat(backend.takes.get()).isEqualTo(1);
        assertThat(journalFiles(journals())).as("nothing left in it: deleted").isZero();
    }

    @Test
    void leasedCreditsAKilledRunLeftUnspentWaitInItsJournalForTheFeaturesFirstCall() throws IOException {
        FakeCounters backend = new FakeCounters().set("export", 900);
        ended("export", true, 100).close(); // a lease of 100, 100 spent: nothing owed either way
        Journal j = ended("export", true, 0);
        j.state(j.state().granted(70)); // 70 leased, none spent
        j.close();

        Metering m = metering(REMOTE, backend);
        settleNow(m, REMOTE);

        assertThat(journalFiles(journals())).as("left for the first call, opened by nobody").isEqualTo(2);
        assertThat(backend.reads.get() + backend.adds.get() + backend.takes.get()).as("no backend step").isZero();
        assertThat(call(m, site(m, "export"))).isNull();
        assertThat(backend.takes.get()).as("the first call spends the journal's credits").isZero();
    }

    @Test
    void aFeatureWhoseJournalThisRunOpenedIsNotTouched() throws IOException {
        FakeCounters backend = new FakeCounters();
        Metering m = metering(REMOTE, backend);
        assertThat(call(m, site(m, "render"))).isNull();
        ended("render", false, 4).close(); // another process that ended after this one opened its journal

        settleNow(m, REMOTE);

        assertThat(journalFiles(journals())).as("this run's journal and the ended one").isEqualTo(2);
        assertThat(backend.adds.get()).isZero();
    }

    @Test
    void aCounterThatTwoJournaledFeaturesShareIsLeftToTheirFirstCalls() throws IOException {
        FakeCounters backend = new FakeCounters();
        ended("pages", false, 9).close();
        String yaml = "journal: { dir: journals }\nfeatures:\n"
                + "  render: { mode: usage, sync: batched, dataObject: pages }\n"
                + "  print: { mode: usage, sync: batched, dataObject: pages }\n";
        Metering m = metering(yaml, backend);

        settleNow(m, yaml);

        assertThat(journalFiles(journals())).isEqualTo(1);
        assertThat(backend.adds.get()).isZero();
    }

    @Test
    void noJournalIsOpenedWhenNoProcessThatEndedLeftOne() throws IOException {
        FakeCounters backend = new FakeCounters();
        Metering m = metering(REMOTE, backend);

        settleNow(m, REMOTE);

        assertThat(journalFiles(journals())).as("an empty folder: nothing opened").isZero();
        assertThat(backend.reads.get() + backend.adds.get() + backend.takes.get()).as("no backend step").isZero();
    }

    /**
     * Two runtimes in one JVM stand for two processes: a journal the other holds reads as held. That the running
     * process keeps its lock is checked on real processes, in {@code EndedJournalsIT}.
     */
    @Test
    void theJournalOfAProcessStillRunningIsLeftToItAndOpensNoJournalHere() throws IOException {
        FakeCounters backend = new FakeCounters();
        Metering running = metering(REMOTE, backend);
        assertThat(call(running, site(running, "render"))).isNull();
        assertThat(journalFiles(journals())).isEqualTo(1);

        Metering starting = metering(REMOTE, backend);
        settleNow(starting, REMOTE);

        assertThat(journalFiles(journals())).as("only the running process's journal").isEqualTo(1);
        running.close();
        assertThat(backend.value("render")).isEqualTo(1);
    }

    @Test
    void aFeatureWhoseJournalCannotBeOpenedIsReportedInOneLineAndTheOthersAreStillSettled() throws Exception {
        FakeCounters backend = new FakeCounters().set("export", 800);
        backend.readsThrow = "export";
        // Two ended runs of export, each killed with a lease unanswered: opening reads the second one back, and fails.
        for (int i = 0; i < 2; i++) {
            Journal j = ended("export", true, 10);
            j.state(j.state().pending(JournalState.Op.TAKE, 100, 1000));
            j.close();
        }
        ended("render", false, 7).close();
        List<String> lines = new CopyOnWriteArrayList<>();
        Consumer<String> listener = lines::add;
        Log.listen(listener);
        try {
            Metering m = metering(REMOTE, backend);
            settleNow(m, REMOTE);

            assertThat(backend.value("render")).as("render's 7 units sent").isEqualTo(7);
            assertThat(lines.stream().filter(l -> l.contains("export"))).as(String.join("\n", lines))
                    .singleElement().asString()
                    .contains("feature 'export': the journals that ended processes left in " + journals())
                    .contains("could not be settled at start").contains("reading export failed");
        } finally {
            Log.unlisten(listener);
        }
        assertThat(Files.list(journals()).filter(f -> f.getFileName().toString().startsWith("export.")))
                .as("export's ended journals are left as they were, for a start that can read them").hasSize(2);
    }

    @Test
    void aFirstCallAtTheSameMomentNeitherMissesNorDoublesWhatAnEndedRunLeft() throws Exception {
        FakeCounters backend = new FakeCounters();
        long expected = 0;
        for (int round = 0; round < 30; round++) {
            ended("render", false, 5).close();
            Metering m = metering(REMOTE, backend);
            Site render = site(m, "render");
            CountDownLatch go = new CountDownLatch(1);
            Thread settling = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                settleNow(m, REMOTE);
            });
            settling.start();
            go.countDown();
            assertThat(call(m, render)).isNull();
            settling.join();
            m.close();
            open.remove(m);
            expected += 5 + 1;
            assertThat(backend.value("render")).as("round %d: the ended run's 5 and the call, each once", round)
                    .isEqualTo(expected);
            assertThat(journalFiles(journals())).as("round %d", round).isZero();
        }
    }
}
