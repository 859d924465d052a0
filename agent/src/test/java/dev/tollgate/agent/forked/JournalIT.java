package dev.tollgate.agent.forked;

import static dev.tollgate.agent.forked.CryptolensIT.ENV;
import static dev.tollgate.agent.forked.CryptolensIT.KEY;
import static dev.tollgate.agent.forked.CryptolensIT.PRODUCT;
import static dev.tollgate.agent.forked.CryptolensIT.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.journal.JournalState;
import dev.tollgate.testkit.CryptolensEmulator;
import dev.tollgate.testkit.Endpoint;
import dev.tollgate.testkit.Fault;
import dev.tollgate.testkit.LicenseKey;
import dev.tollgate.testkit.Permission;
import dev.tollgate.testkit.RecordedCall;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Leased credits and batched usage on real JVMs with the packaged agent: kill -9 at many moments, on the local
 * ledger and against the standalone Cryptolens emulator; faults on every kind of backend step; and a backend
 * that goes away and comes back under {@code onBackendFailure: grace} and {@code deny}.
 *
 * <p>The child runs {@code fixtures.Scenarios loop|drain}: {@value #THREADS} threads, each calling {@code export}
 * (credits) then {@code render} (usage) and printing {@code ran e} / {@code ran r}, flushed, after each call that
 * returned. The test counts those lines; the process may be killed at any of them.
 *
 * <p><b>The balance check.</b> A call is charged before its body runs and announced after it returns, so at a
 * kill each thread may have at most one call per feature charged and not announced (in flight); nothing else may
 * differ. For each feature, {@code excess = charged - announced} (summed over every run so far) must therefore
 * <ul>
 *   <li>never go down: no charge is lost (a call that ran was paid for and counted), and</li>
 *   <li>grow by at most {@value #THREADS} per kill since the last check, and not at all across a clean run: no
 *       charge is invented or applied twice (a lease or send replayed, a journal settled twice).</li>
 * </ul>
 * What counts as charged depends on the backend; see each test.
 */
class JournalIT {

    /** Threads of the loop scenario: the most calls per feature that a kill can catch in flight. */
    private static final int THREADS = 4;
    /** Kill moments: after this many {@code ran} lines (0: at the first line, before any call); -1: at the balances. */
    private static final long[] KILLS = {0, 2, -1, 60, 700, 3_000, 12_000};
    private static final long NEVER = Long.MAX_VALUE;

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    /**
     * The local ledger, {@code leased} credits and {@code batched} usage, killed at {@value} moments and restarted.
     * Charged is what the agent reports as the balance once the next run has opened its journals (which settles
     * the journals of the killed runs, one locked step each): credits {@code opening - balance}, usage the
     * balance. Each run prints that after one call of each feature, before its threads start. A final clean run
     * must leave the journal folder empty, and a last run that only reads must see the same balances.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void killMinus9LoopsOnTheLocalLedgerNeitherLoseNorInventACreditOrAUsageUnit(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        long opening = 1_000_000_000L;
        Path journals = dir.resolve("journal");
        ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  credits:
                    export: %d
                journal:
                  dir: %s
                  fsyncEvery: 20ms
                features:
                  export: { mode: credits, sync: leased, block: 50 }
                  render: { mode: usage, sync: batched, flushEvery: 100ms, flushUnits: 200 }
                """.formatted(opening, journals));
        Tally tally = new Tally();
        for (long killAt : KILLS) {
            Run run = Run.start(jdk, dir, Map.of(), List.of(), killAt, List.of(), "drain=" + THREADS);
            assertThat(run.killed).as("killed at %d%n%s", killAt, run).isTrue();
            checkAgentBalances(tally, run, opening);
            tally.ran(run);
        }
        Run last = Run.start(jdk, dir, Map.of(), List.of("-Dloop.calls=300"), NEVER, List.of(), "loop=" + THREADS);
        assertThat(last.exit).as(last.toString()).isZero();
        assertThat(last.lines).as(last.toString()).contains("loop: finished").noneMatch(l -> l.startsWith("denied"));
        checkAgentBalances(tally, last, opening);
        tally.ran(last);
        assertThat(journalsIn(journals)).as("journals after a clean run%n%s", last).isEmpty();

        ForkedJvm.Result check = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "balances");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.agentLines()).noneMatch(l -> l.contains("corrupt"));
        Map<String, String> b = check.fields("balances");
        tally.check("after the clean run", opening - Long.parseLong(b.get("export")), Long.parseLong(b.get("render")),
                0, 0);
        assertThat(journalsIn(journals)).isEmpty();
        tally.report(jdk + " local ledger");
    }

    private static void checkAgentBalances(Tally tally, Run run, long opening) {
        if (run.balances != null) {
            tally.check("at the start of " + run.what, opening - Long.parseLong(run.balances.get("export")),
                    Long.parseLong(run.balances.get("render")), run.ranEAtBalances, run.ranRAtBalances);
        }
    }

    /**
     * The standalone emulator process, {@code leased} credits (blocks of 100) and {@code batched} usage, killed at
     * {@value} moments and restarted. After each kill, with no agent running, charged is read by the test itself:
     * <ul>
     *   <li>credits: {@code opening - emulator value - credits held in journals}, where a journal holds
     *       {@code granted - used}, plus a lease still pending in it if the emulator shows it applied (value at most
     *       the value read before it, less the lease): those are leased, not spent, and the next run spends them
     *       first;</li>
     *   <li>usage: {@code emulator value + unsent in journals}, where a journal's unsent is {@code used - confirmed},
     *       less a send still pending in it if the emulator shows it applied (value at least the value before it,
     *       plus the send).</li>
     * </ul>
     * A journal named as being absorbed by another is counted once (in the other). The final clean run spends every
     * credit left (the emulator's and the journals'): then the emulator's export is 0, no journal is left, and
     * charged is exactly {@code opening} credits and the emulator's usage value.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void killMinus9LoopsAgainstTheEmulatorNeitherLoseNorInventACreditOrAUsageUnit(ForkedJvm.Jdk jdk,
            @TempDir Path dir) throws Exception {
        int opening = 40_000;
        Path journals = dir.resolve("journal");
        Process emulator = CryptolensIT.startStandalone("--data", "export=" + opening);
        try {
            String url = CryptolensIT.listeningUrl(emulator);
            writeDrainConfig(dir, url, journals);
            Tally tally = new Tally();
            for (long killAt : KILLS) {
                Run run = Run.start(jdk, dir, ENV, List.of(), killAt, List.of(), "drain=" + THREADS);
                assertThat(run.killed).as("killed at %d%n%s", killAt, run).isTrue();
                tally.ran(run);
                Charged now = Charged.at(url, journals, opening);
                tally.check("after kill at " + killAt + " (" + now + ")", now.credits(), now.usage(), 0, 0);
            }
            Map<String, Integer> values = spendEverything(jdk, dir, url, journals, tally);
            tally.check("after the clean run that spent every credit (emulator " + values + ")", opening,
                    values.get("render"), 0, 0);
            tally.report(jdk + " emulator");
        } finally {
            CryptolensIT.stop(emulator);
        }
    }

    /**
     * Two JVMs at a time against the emulator, both killed with -9, four times over: each pair starts while the
     * journals of the pair before are still there, so both try to adopt the same ended journals at once (a journal
     * is adopted by whoever takes its lock first; the other sees it held and leaves it), and a second ended journal
     * is absorbed into the first one adopted. Then one clean run that spends every credit and leaves no journal.
     * The balance check is that of one JVM, with up to {@value #THREADS} calls in flight per killed JVM, except that
     * a step killed while unanswered is resolved by a read-back that the other JVM may have disturbed (see
     * {@link Tally#checkWithLostAnswers}): the README's known limit, bounded here by the units of such steps.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void twoJvmsKilledTogetherAndRestartedTogetherNeitherLoseNorInventAUnit(ForkedJvm.Jdk jdk, @TempDir Path dir)
            throws Exception {
        int opening = 30_000;
        long[][] pairs = {{-1, 300}, {40, 2_000}, {500, -1}, {0, 5_000}};
        Path journals = dir.resolve("journal");
        Process emulator = CryptolensIT.startStandalone("--data", "export=" + opening);
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            String url = CryptolensIT.listeningUrl(emulator);
            writeDrainConfig(dir, url, journals);
            Tally tally = new Tally();
            for (long[] killAt : pairs) {
                Future<Run> first = both.submit(() -> Run.start(jdk, dir, ENV, List.of(), killAt[0], List.of(),
                        "drain=" + THREADS));
                Future<Run> second = both.submit(() -> Run.start(jdk, dir, ENV, List.of(), killAt[1], List.of(),
                        "drain=" + THREADS));
                for (Run run : List.of(first.get(), second.get())) {
                    assertThat(run.killed).as("killed%n%s", run).isTrue();
                    tally.ran(run);
                }
                Charged now = Charged.at(url, journals, opening);
                tally.checkWithLostAnswers("after killing the pair at " + killAt[0] + " and " + killAt[1] + " (" + now
                        + ")", now.credits(), now.usage(), now.held.pending, now.unsent.pending);
            }
            Map<String, Integer> values = spendEverything(jdk, dir, url, journals, tally);
            tally.checkWithLostAnswers("after the clean run that spent every credit (emulator " + values + ")",
                    opening, values.get("render"), 0, 0);
            tally.report(jdk + " emulator, two JVMs at a time");
        } finally {
            both.shutdownNow();
            CryptolensIT.stop(emulator);
        }
    }

    /**
     * Faults on leases, sends and reads, one pair at a time between phases of calls, against the in-process
     * emulator: a lost reply after the step was applied, a reply slower than the read timeout (applied), a 503 and
     * a 429 (not applied), a dropped connection (not applied, though the agent cannot tell), and reads failing
     * while a lost lease is to be resolved. Nobody is killed, so nothing is in flight: after a last phase that spends
     * every credit, the calls that ran must equal the opening credits exactly, the emulator's usage must equal the
     * usage calls that ran exactly (no send applied twice, none lost), and no journal may be left.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void faultsDuringLeasesAndSendsNeitherLoseNorDoubleCount(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        int opening = 600;
        Path journals = dir.resolve("journal");
        List<List<Object[]>> phases = List.of(
                List.of(fault(Endpoint.DECREMENT_INT_VALUE_TO_KEY, Fault.lostReply()),
                        fault(Endpoint.INCREMENT_INT_VALUE_TO_KEY, Fault.lostReply())),
                List.of(fault(Endpoint.DECREMENT_INT_VALUE_TO_KEY, Fault.latency(Duration.ofSeconds(3))),
                        fault(Endpoint.INCREMENT_INT_VALUE_TO_KEY, Fault.latency(Duration.ofSeconds(3)))),
                List.of(fault(Endpoint.DECREMENT_INT_VALUE_TO_KEY, Fault.serverError()),
                        // Not a 429: that opens the breaker for a while (RateLimitIT), and calls denied meanwhile
                        // send nothing, so the next phase's faults might never be met.
                        fault(Endpoint.INCREMENT_INT_VALUE_TO_KEY, Fault.garbage())),
                List.of(fault(Endpoint.DECREMENT_INT_VALUE_TO_KEY, Fault.disconnect()),
                        fault(Endpoint.INCREMENT_INT_VALUE_TO_KEY, Fault.disconnect())),
                List.of(fault(Endpoint.DECREMENT_INT_VALUE_TO_KEY, Fault.lostReply()),
                        fault(Endpoint.LIST_DATA_OBJECTS_TO_KEY, Fault.serverError()),
                        fault(Endpoint.LIST_DATA_OBJECTS_TO_KEY, Fault.disconnect()),
                        fault(Endpoint.INCREMENT_INT_VALUE_TO_KEY, Fault.lostReply())));
        try (CryptolensEmulator emulator = CryptolensEmulator.start()) {
            emulator.product(PRODUCT).key(KEY).dataObject("export", opening);
            emulator.token(TOKEN, Permission.allData()).keyLock(-1);
            ForkedJvm.write(dir, "tollgate.yml", CryptolensIT.config(emulator.url(), "readTimeout: 1500ms", """
                    export: { mode: credits, sync: leased, block: 20, onBackendFailure: deny }
                    render: { mode: usage, sync: batched, flushEvery: 50ms, flushUnits: 30 }
                    """) + "journal:\n  dir: " + journals + "\n");
            List<Runnable> steps = new ArrayList<>();
            List<String> scenarios = new ArrayList<>();
            Map<Endpoint, Integer> scheduled = new java.util.EnumMap<>(Endpoint.class);
            for (int i = 0; i <= phases.size(); i++) {
                List<Object[]> next = i == phases.size() ? List.of() : phases.get(i);
                steps.add(() -> {
                    // The faults of the phase before were all met (the agent kept syncing during the pause).
                    for (Map.Entry<Endpoint, Integer> e : scheduled.entrySet()) {
                        try {
                            waitUntil(Duration.ofSeconds(60), e.getValue() + " faults met on " + e.getKey(),
                                    () -> emulator.requests(e.getKey()).stream().filter(c -> c.fault().isPresent())
                                            .count() >= e.getValue());
                        } catch (AssertionError notMet) {
                            throw new AssertionError(notMet.getMessage() + "; requests: " + emulator.requests()
                                    .stream().map(c -> c.endpoint().map(Enum::name).orElse("?") + (c.fault().isPresent() ? "(fault)" : ""))
                                    .toList(), notMet);
                        }
                    }
                    if (!scheduled.isEmpty()) {
                        // A fault met just now may still be failing its step (a 3 s latency against a 1.5 s read
                        // timeout), and a step that fails slowly opens the breaker for a probe's 0.5 s: calls of the
                        // next loop would be denied unsent and the next faults never met. Let it close first.
                        sleepQuietly(Duration.ofSeconds(3));
                    }
                    for (Object[] f : next) {
                        emulator.failNext((Endpoint) f[0], 1, (Fault) f[1]);
                        scheduled.merge((Endpoint) f[0], 1, Integer::sum);
                    }
                });
                scenarios.add("pause");
                scenarios.add(i == phases.size() ? "drain=" + THREADS : "loop=" + THREADS);
            }
            Run run = Run.start(jdk, dir, ENV, List.of("-Dloop.calls=15"), NEVER, steps, scenarios.toArray(String[]::new));

            assertThat(run.exit).as(run.toString()).isZero();
            assertThat(run.lines).as(run.toString()).contains("loop: finished")
                    .anyMatch(l -> l.startsWith("denied e BACKEND_UNAVAILABLE"))
                    .allMatch(l -> !l.startsWith("denied") || l.startsWith("denied e CREDITS_EXHAUSTED")
                            || l.startsWith("denied e BACKEND_UNAVAILABLE"));
            assertThat(run.ranE).as("credits calls that ran%n%s", run).isEqualTo(opening);
            assertThat(emulator.value(PRODUCT, KEY, "export")).isZero();
            assertThat(emulator.value(PRODUCT, KEY, "render")).as("usage recorded%n%s", run).isEqualTo(run.ranR);
            assertThat(journalsIn(journals)).as(run.toString()).isEmpty();
            List<RecordedCall> faulted = emulator.requests().stream().filter(c -> c.fault().isPresent()).toList();
            assertThat(faulted).as("every fault was met once").hasSize(phases.stream().mapToInt(List::size).sum());
            assertThat(run.err).contains("a lease of 20 whose answer was lost was applied")
                    .contains("a lease of 20 whose answer was lost was not applied")
                    .contains("whose answer was lost was applied").contains("whose answer was lost was not applied");
        }
    }

    private static Object[] fault(Endpoint endpoint, Fault fault) {
        return new Object[] {endpoint, fault};
    }

    /**
     * The backend answers only 503 (the emulator faulted to unavailable), then comes back. Under
     * {@code onBackendFailure: grace} with {@code units: 4}, exactly 4 calls are served offline, for credits and for
     * capped usage alike, and the 5th is denied {@code OFFLINE}; under {@code deny} every call is denied
     * {@code BACKEND_UNAVAILABLE}. Nothing reaches the emulator while it is down. Once it is back, the 4 credits
     * served offline are taken before more are served (so only 6 of the 10 remain to serve), and the 4 usage units
     * are sent with the later ones.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void offlineCallsAreServedWithinTheGraceThenDeniedAsOfflineAndSentOnceTheBackendIsBack(ForkedJvm.Jdk jdk,
            @TempDir Path dir) {
        Path journals = dir.resolve("journal");
        try (CryptolensEmulator emulator = CryptolensEmulator.start()) {
            LicenseKey key = emulator.product(PRODUCT).key(KEY);
            key.dataObject("export", 10);
            key.dataObject("denying", 5);
            emulator.token(TOKEN, Permission.allData()).keyLock(-1);
            ForkedJvm.write(dir, "tollgate.yml", CryptolensIT.config(emulator.url(), "readTimeout: 1500ms", """
                    export:  { mode: credits, sync: leased, onBackendFailure: grace, grace: { units: 4 } }
                    render:  { mode: usage, bound: 100, sync: batched, flushEvery: 100ms, onBackendFailure: grace, grace: { units: 4 } }
                    denying: { mode: credits, sync: leased, onBackendFailure: deny }
                    """) + "journal:\n  dir: " + journals + "\n");
            List<Runnable> steps = List.of(
                    () -> emulator.failAlways(Fault.serverError()),
                    () -> {
                        assertThat(key.value("export")).isEqualTo(10);
                        assertThat(key.value("denying")).isEqualTo(5);
                        assertThat(key.find("render")).as("no usage recorded while down").isEmpty();
                        assertThat(emulator.requests()).as("while down").allMatch(c -> c.fault().isPresent());
                        BreakerProbes.clearFaultsAndAwaitBackend(emulator);
                    },
                    () -> waitUntil(Duration.ofSeconds(60), "the usage served offline and after is sent",
                            () -> key.find("render").map(d -> d.intValue() == 7).orElse(false)));

            ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, ENV, "tollgate.yml", steps, "pause", "export=5",
                    "render=5", "denying=2", "pause", "export=10", "render=3", "denying=2", "pause");

            assertThat(r.exit()).as(r.toString()).isZero();
            List<Map<String, String>> export = r.all("export");
            List<Map<String, String>> render = r.all("render");
            List<Map<String, String>> denying = r.all("denying");
            for (Map<String, String> offline : List.of(export.get(0), render.get(0))) {
                assertThat(offline).as(r.toString()).containsEntry("returned", "4").containsEntry("denied", "1")
                        .containsEntry("reason", "OFFLINE");
                assertThat(offline.get("message")).contains("offline grace of 4 units is used up").contains("503");
            }
            assertThat(denying.get(0)).as(r.toString()).containsEntry("returned", "0").containsEntry("denied", "2")
                    .containsEntry("bodies", "0").containsEntry("reason", "BACKEND_UNAVAILABLE");
            assertThat(denying.get(0).get("message")).contains("503");

            // Back: the 4 credits served offline were taken from the 10, so 6 more calls ran, then none were left.
            assertThat(export.get(1)).as(r.toString()).containsEntry("returned", "6").containsEntry("bodies", "10")
                    .containsEntry("denied", "4").containsEntry("reason", "CREDITS_EXHAUSTED");
            assertThat(render.get(1)).as(r.toString()).containsEntry("returned", "3").containsEntry("bodies", "7")
                    .containsEntry("denied", "0");
            assertThat(denying.get(1)).as(r.toString()).containsEntry("returned", "2").containsEntry("denied", "0");

            assertThat(key.value("export")).isZero();
            assertThat(key.value("render")).isEqualTo(7);
            // 'denying' leased a block and spent 2 of it; the rest waits in its journal for the next run.
            Held held = Held.in(journals, "denying", true, key.value("denying"));
            assertThat(key.value("denying") + held.units).as("denying: emulator + held in %s", held).isEqualTo(3);
            assertThat(journalsIn(journals)).as(r.toString()).allMatch(p -> p.getFileName().toString().startsWith("denying."));
        }
    }

    /**
     * Kill -9 while a step is unanswered, against the in-process emulator: first while a send of usage has been
     * applied and its reply is held back, then while a lease has. The next run finds the step pending in the
     * adopted journal and resolves it by reading the counter back. Charged is read as in
     * {@link #killMinus9LoopsAgainstTheEmulatorNeitherLoseNorInventACreditOrAUsageUnit}. The last run resolves the
     * lease and must then spend every credit, those of the resolved lease included (they are the journal's, not the
     * next run's), and leave no journal.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void killMinus9WhileALeaseOrASendIsUnansweredIsResolvedByTheNextRun(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        int opening = 5_000; // enough not to run out before the first send, which comes after about 50 ms
        Path journals = dir.resolve("journal");
        try (CryptolensEmulator emulator = CryptolensEmulator.start()) {
            LicenseKey key = emulator.product(PRODUCT).key(KEY);
            key.dataObject("export", opening);
            emulator.token(TOKEN, Permission.allData()).keyLock(-1);
            ForkedJvm.write(dir, "tollgate.yml", CryptolensIT.config(emulator.url(), "readTimeout: 20s", """
                    export: { mode: credits, sync: leased, block: 20 }
                    render: { mode: usage, sync: batched, flushEvery: 50ms, flushUnits: 10 }
                    """) + "journal:\n  dir: " + journals + "\n");
            Tally tally = new Tally();

            // The send is applied at once and its reply held back 10 s; the child is killed as soon as it shows.
            emulator.failNext(Endpoint.INCREMENT_INT_VALUE_TO_KEY, 1, Fault.latency(Duration.ofSeconds(10)));
            Run sending = Run.start(jdk, dir, ENV, List.of(), NEVER, () -> key.find("render").map(d -> d.intValue() > 0).orElse(false),
                    List.of(),
                    "drain=" + THREADS);
            assertThat(sending.killed).as(sending.toString()).isTrue();
            tally.ran(sending);
            checkEmulatorAndJournals(tally, "after a kill during a send", opening, key, journals, "ADD");

            int before = key.value("export");
            emulator.failNext(Endpoint.DECREMENT_INT_VALUE_TO_KEY, 1, Fault.latency(Duration.ofSeconds(10)));
            Run leasing = Run.start(jdk, dir, ENV, List.of(), NEVER, () -> key.value("export") < before, List.of(),
                    "drain=" + THREADS);
            assertThat(leasing.killed).as(leasing.toString()).isTrue();
            tally.ran(leasing);
            checkEmulatorAndJournals(tally, "after a kill during a lease", opening, key, journals, "TAKE");

            Run last = Run.start(jdk, dir, ENV, List.of(), NEVER, List.of(), "drain=" + THREADS);
            assertThat(last.exit).as(last.toString()).isZero();
            assertThat(last.err).as(last.toString()).contains("whose answer was lost was applied");
            tally.ran(last);
            assertThat(journalsIn(journals)).as("journals after a run that spent every credit%n%s", last).isEmpty();
            assertThat(key.value("export")).isZero();
            tally.check("after the clean run that spent every credit", opening, key.value("render"), 0, 0);
            tally.report(jdk + " unanswered steps");
        }
    }

    /** The tally's check from the emulator's values and the journals; one of them must have {@code pending}. */
    private static void checkEmulatorAndJournals(Tally tally, String when, int opening, LicenseKey key, Path journals,
            String pending) {
        long export = key.value("export");
        long render = key.find("render").map(d -> (long) d.intValue()).orElse(0L);
        Held held = Held.in(journals, "export", true, export);
        Held unsent = Held.in(journals, "render", false, render);
        assertThat(held.journals() + " " + unsent.journals()).as("a step left pending " + when)
                .contains("pending=" + pending + "/");
        tally.check(when + " (emulator export=" + export + " render=" + render + ", journals " + held + " " + unsent
                + ")", opening - export - held.units(), render + unsent.units(), 0, 0);
    }

    // --- helpers ---

    /** The config of the drain runs against the emulator at {@code url}: leased credits, batched usage. */
    private static void writeDrainConfig(Path dir, String url, Path journals) {
        ForkedJvm.write(dir, "tollgate.yml", CryptolensIT.config(url, "", """
                export: { mode: credits, sync: leased, block: 100 }
                render: { mode: usage, sync: batched, flushEvery: 100ms, flushUnits: 300 }
                """) + """
                journal:
                  dir: %s
                  fsync: never
                """.formatted(journals));
    }

    /**
     * A last run, never killed, that spends every credit left (the emulator's and the journals'), after which no
     * journal may be left and the emulator's credits must be 0; returns the emulator's values.
     */
    private static Map<String, Integer> spendEverything(ForkedJvm.Jdk jdk, Path dir, String url, Path journals,
            Tally tally) throws IOException {
        Run last = Run.start(jdk, dir, ENV, List.of(), NEVER, List.of(), "drain=" + THREADS);
        assertThat(last.exit).as(last.toString()).isZero();
        assertThat(last.lines).as(last.toString()).contains("loop: finished")
                .allMatch(l -> !l.startsWith("denied") || l.startsWith("denied e CREDITS_EXHAUSTED"));
        tally.ran(last);
        assertThat(journalsIn(journals)).as("journals after a run that spent every credit%n%s", last).isEmpty();
        Map<String, Integer> values = CryptolensIT.dataObjects(url);
        assertThat(values.get("export")).as("credits left").isZero();
        return values;
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitUntil(Duration limit, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + limit.toSeconds() + " s in vain until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** The journal files in {@code dir} (not the {@code <counter>.synced} markers, which are meant to stay). */
    private static List<Path> journalsIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".journal")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Announced calls per feature over every run, and the excess of charges over them at the last check. */
    private static final class Tally {
        long ranE;
        long ranR;
        int killsSinceCheck;
        long excessE;
        long excessR;
        final List<String> history = new ArrayList<>();

        /** The story of the runs and checks, for the test's output. */
        void report(String title) {
            System.out.println("--- " + title + "\n" + String.join("\n", history));
        }

        void ran(Run run) {
            ranE += run.ranE;
            ranR += run.ranR;
            if (run.killed) {
                killsSinceCheck++;
            }
            history.add(run.what + ": ran e=" + run.ranE + " r=" + run.ranR + (run.killed ? " killed" : ""));
        }

        /** Units of the steps pending at the last {@link #checkWithLostAnswers}: resolved since, maybe misjudged. */
        long lostE;
        long lostR;

        /**
         * {@link #check} for JVMs that moved the same counter at once and were killed: a step whose answer was
         * lost is resolved by reading the counter back, which is exact only while nobody else moves it. A send that
         * was not applied may then be judged applied (its usage goes unbilled: the usage excess may fall); a lease
         * that cannot be told apart is written off (if it was applied, its credits are charged and never served:
         * the credits excess may rise), and one that another JVM's lease of the same size made look applied is
         * served (it may fall). Either by at most the units of the steps pending now or at the last check. Usage
         * is never counted twice: its excess never rises by more than the calls in flight.
         */
        void checkWithLostAnswers(String when, long chargedE, long chargedR, long pendingE, long pendingR) {
            long exE = chargedE - ranE;
            long exR = chargedR - ranR;
            long most = (long) THREADS * killsSinceCheck;
            history.add(when + ": charged e=" + chargedE + " r=" + chargedR + ", excess e=" + exE + " r=" + exR
                    + " (before e=" + excessE + " r=" + excessR + ", " + killsSinceCheck + " kills since; steps "
                    + "pending e=" + pendingE + " r=" + pendingR + ", before e=" + lostE + " r=" + lostR + ")");
            String story = String.join("\n", history);
            assertThat(exE).as("credits charged less announced %s%n%s", when, story)
                    .isBetween(excessE - lostE - pendingE, excessE + most + lostE + pendingE);
            assertThat(exR).as("usage charged less announced %s%n%s", when, story)
                    .isBetween(excessR - lostR - pendingR, excessR + most);
            excessE = exE;
            excessR = exR;
            lostE = pendingE;
            lostR = pendingR;
            killsSinceCheck = 0;
        }

        /**
         * @param chargedE credits charged over every run, as the backend and the journals hold them now
         * @param chargedR usage charged likewise
         * @param moreE announced calls of the run in progress that {@link #ran} has not counted yet
         */
        void check(String when, long chargedE, long chargedR, long moreE, long moreR) {
            long exE = chargedE - (ranE + moreE);
            long exR = chargedR - (ranR + moreR);
            long most = (long) THREADS * killsSinceCheck;
            history.add(when + ": charged e=" + chargedE + " r=" + chargedR + ", excess e=" + exE + " r=" + exR
                    + " (before e=" + excessE + " r=" + excessR + ", " + killsSinceCheck + " kills since)");
            String story = String.join("\n", history);
            assertThat(exE).as("credits charged less announced %s%n%s", when, story).isBetween(excessE, excessE + most);
            assertThat(exR).as("usage charged less announced %s%n%s", when, story).isBetween(excessR, excessR + most);
            excessE = exE;
            excessR = exR;
            killsSinceCheck = 0;
        }
    }

    /**
     * What the drain runs charged so far, with no agent running: the emulator's values plus what the ended journals
     * hold (credits leased and not spent, usage not sent).
     */
    private record Charged(Map<String, Integer> values, int opening, Held held, Held unsent) {

        static Charged at(String url, Path journals, int opening) throws IOException {
            Map<String, Integer> values = CryptolensIT.dataObjects(url);
            return new Charged(values, opening, Held.in(journals, "export", true, values.get("export")),
                    Held.in(journals, "render", false, values.getOrDefault("render", 0)));
        }

        long credits() {
            return opening - values.get("export") - held.units;
        }

        long usage() {
            return values.getOrDefault("render", 0) + unsent.units;
        }

        @Override
        public String toString() {
            return "emulator " + values + ", journals " + held + " " + unsent;
        }
    }

    /** Units held in the ended journals of a counter: credits leased and not spent, or usage not sent. */
    private record Held(long units, List<String> journals, long pending) {

        /** Reads the journals (no agent may be running); {@code value} is the backend's value of the counter now. */
        static Held in(Path dir, String counter, boolean credits, long value) {
            List<Journal> open = new ArrayList<>();
            try {
                for (Path p : Journal.of(dir, counter, null)) {
                    Journal j = Journal.adopt(p, credits);
                    assertThat(j).as("%s is held by a live process", p).isNotNull();
                    open.add(j);
                }
                Set<Long> absorbed = new HashSet<>();
                for (Journal j : open) {
                    absorbed.add(j.state().absorbing);
                }
                long units = 0;
                long pending = 0;
                List<String> seen = new ArrayList<>();
                for (Journal j : open) {
                    JournalState s = j.state();
                    long used = j.used();
                    seen.add(j.path().getFileName() + " used=" + used + " " + s);
                    if (absorbed.contains(j.id())) {
                        continue; // its units are in the journal absorbing it
                    }
                    boolean unknown = s.pendingBefore == Long.MIN_VALUE;
                    if (s.pending == (credits ? JournalState.Op.TAKE : JournalState.Op.ADD)) {
                        pending += s.pendingUnits;
                    }
                    if (credits) {
                        units += s.granted - used;
                        // As the agent judges it: applied only when the value is exactly what the lease leaves.
                        if (s.pending == JournalState.Op.TAKE && !unknown
                                && value == s.pendingBefore - s.pendingUnits) {
                            units += s.pendingUnits;
                        }
                    } else {
                        units += used - s.confirmed;
                        if (s.pending == JournalState.Op.ADD
                                && (unknown || value >= s.pendingBefore + s.pendingUnits)) {
                            units -= s.pendingUnits;
                        }
                    }
                }
                return new Held(units, seen, pending);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                open.forEach(Journal::close);
            }
        }
    }

    /** One child JVM running the loop scenarios, read line by line; killed with SIGKILL at a given moment. */
    private static final class Run {
        final String what;
        final List<String> lines = new ArrayList<>();
        long ranE;
        long ranR;
        long ranEAtBalances;
        long ranRAtBalances;
        Map<String, String> balances;
        volatile boolean killed;
        int exit;
        String err = "";

        private Run(String what) {
            this.what = what;
        }

        /**
         * @param killAt kill once this many {@code ran} lines were read (0: at the first line); -1: at the
         *     {@code loop-balances} line; {@link #NEVER}: let it end
         * @param steps run at each {@code pause: N} line, before the child goes on
         */
        static Run start(ForkedJvm.Jdk jdk, Path dir, Map<String, String> env, List<String> jvmOptions, long killAt,
                List<Runnable> steps, String... scenarios) {
            return start(jdk, dir, env, jvmOptions, killAt, null, steps, scenarios);
        }

        /** @param killWhen also kill once this holds (polled every 5 ms); null: only by {@code killAt} */
        static Run start(ForkedJvm.Jdk jdk, Path dir, Map<String, String> env, List<String> jvmOptions, long killAt,
                BooleanSupplier killWhen, List<Runnable> steps, String... scenarios) {
            List<String> options = new ArrayList<>();
            options.add(ForkedJvm.agentOption("tollgate.yml"));
            options.addAll(jvmOptions);
            Run run = new Run(String.join(" ", scenarios) + (killAt == NEVER ? "" : " killed at " + killAt));
            Process p = ForkedJvm.start(jdk, dir, env, options, "fixtures.Scenarios", scenarios);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread drain = new Thread(() -> {
                try {
                    p.getErrorStream().transferTo(err);
                } catch (IOException e) {
                    // the process is gone
                }
            });
            drain.setDaemon(true);
            drain.start();
            Thread killer = new Thread(() -> {
                try {
                    while (p.isAlive()) {
                        if (killWhen.getAsBoolean()) {
                            run.killed = true;
                            p.toHandle().destroyForcibly();
                            return;
                        }
                        Thread.sleep(5);
                    }
                } catch (InterruptedException e) {
                    // the run ended
                }
            });
            if (killWhen != null) {
                killer.setDaemon(true);
                killer.start();
            }
            int pauses = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.equals("ran e")) {
                        run.ranE++;
                    } else if (line.equals("ran r")) {
                        run.ranR++;
                    } else {
                        run.lines.add(line);
                        if (line.startsWith("loop-balances: ") && run.balances == null) {
                            run.balances = new ForkedJvm.Result(0, line + "\n", "").fields("loop-balances");
                            run.ranEAtBalances = run.ranE;
                            run.ranRAtBalances = run.ranR;
                        }
                        if (line.startsWith("pause: ")) {
                            pauses++;
                            assertThat(pauses).as("a step for pause %d", pauses).isLessThanOrEqualTo(steps.size());
                            try {
                                steps.get(pauses - 1).run();
                            } catch (AssertionError stepFailed) {
                                p.toHandle().destroyForcibly();
                                throw new AssertionError(stepFailed.getMessage() + "\n--- the run's lines so far: "
                                        + run.lines + "\n--- its stderr so far:\n" + err, stepFailed);
                            }
                            in.write('\n');
                            in.flush();
                        }
                    }
                    if (!run.killed && killAt != NEVER && (killAt < 0 ? line.startsWith("loop-balances: ")
                            : run.ranE + run.ranR >= killAt)) {
                        // SIGKILL, through the handle: Process.destroyForcibly() would also close our end of its
                        // stdout, and the lines still in the pipe (calls that ran) must be read.
                        p.toHandle().destroyForcibly();
                        run.killed = true;
                    }
                }
                if (!p.waitFor(ForkedJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("forked JVM did not finish: " + run.what);
                }
                drain.join(10_000);
                killer.interrupt();
                killer.join(10_000);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            } finally {
                p.destroyForcibly();
            }
            run.exit = p.exitValue();
            run.err = err.toString(StandardCharsets.UTF_8);
            assertThat(pauses).as("pauses reached%n%s", run).isEqualTo(steps.size());
            if (run.killed) {
                assertThat(run.exit).as("killed by SIGKILL%n%s", run).isEqualTo(137);
            }
            return run;
        }

        @Override
        public String toString() {
            return what + ": exit " + exit + ", ran e=" + ranE + " r=" + ranR + "\n--- other stdout\n"
                    + String.join("\n", lines) + "\n--- stderr\n" + err;
        }
    }
}
