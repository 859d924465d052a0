package dev.tollgate.agent.forked;

import static dev.tollgate.agent.forked.CryptolensIT.KEY;
import static dev.tollgate.agent.forked.CryptolensIT.PRODUCT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.journal.JournalState;
import dev.tollgate.testkit.CryptolensEmulator;
import dev.tollgate.testkit.Endpoint;
import dev.tollgate.testkit.LicenseKey;
import dev.tollgate.testkit.Permission;
import dev.tollgate.testkit.RecordedCall;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fleet on one key: {@value #MACHINES} JVMs with the packaged agent spend one credits counter of the in-process
 * Cryptolens emulator at full speed, with {@code sync: leased} and the default lease settings (the config names only
 * the mode, the sync and what Cryptolens needs). Each runs {@code fixtures.Fleet} in a folder of its own, with a
 * journal folder of its own, as {@value #MACHINES} machines would. They start {@value #STAGGER_MILLIS} ms apart; once
 * all run, machine {@value #FIRST_STOPPED} is told to stop once the fleet has served 15% of the opening balance,
 * machine {@value #KILLED} is killed with kill -9 at 30% and machine {@value #SECOND_STOPPED} is told to stop at 45%
 * (each machine says every hundred calls how many it served, and when); the others spend until they are denied
 * {@code CREDITS_EXHAUSTED}. A machine told to stop ends either so or, if it found no credits first, denied. Each call
 * does a little work, the killed machine's ten times as much (a slower machine, which usually holds leased credits
 * when it is killed). The JVMs run with C1 only and the serial collector, so that eight of them start and warm up in
 * reasonable time on a small machine.
 *
 * <p>Each machine has an access token of its own (same permissions, same key), so that the emulator's request log
 * tells whose every lease was: a lease is a read of the counter followed by a bounded decrement, and one process
 * sends them one at a time. From that log and the journals left, with no agent running:
 * <ul>
 *   <li><b>exact</b>: for each machine, the calls it served plus the credits left in its journal are the credits it
 *       leased; over the fleet, served plus held plus the counter's final value are the opening balance;</li>
 *   <li><b>not oversold</b>: no machine served more than it leased, and every lease was a decrement bounded at 0,
 *       which the emulator (as Cryptolens) refuses rather than go below;</li>
 *   <li><b>shared</b>: the counter ends at 0; every machine that spent to the end was denied saying 0 left, with
 *       nothing left in its journal; once the first of them was denied, the others served at most a tenth of the
 *       opening balance (what their leases still held then, from the times the machines printed); no lease took
 *       more than half (rounded up) of what its process had just read; and the leases taken once the counter was
 *       below 10% of the opening went to at least two machines: the last credits were not stranded in one process's
 *       lease while the others were denied.</li>
 * </ul>
 * Then a 9th JVM starts in the killed machine's folder and serves exactly the credits its journal held. A lease the
 * killed machine had sent and not seen answered is read back by the restart, which cannot tell it apart from the
 * other machines' leases once they moved the counter: the restart writes it off and says so, and if the emulator's
 * log shows it applied, those credits are lost (the known limit of a counter shared without transactions). The
 * figures of a run (served, held, the counter, leases, the story of the stops and the kill) are printed.
 */
class FleetIT {

    private static final int OPENING = 100_000;
    private static final int MACHINES = 8;
    private static final long STAGGER_MILLIS = 150;
    private static final int FIRST_STOPPED = 1;
    private static final int KILLED = 3;
    private static final int SECOND_STOPPED = 5;
    private static final String COUNTER = "fleet";
    /** Rounds of work per call ({@code fixtures.Fleet}): about 5 µs on a quiet machine. */
    private static final int WORK = 5_000;
    /**
     * The killed machine's, ten times as much: a slower machine, which spends its lease more slowly than it gets the
     * next one, so that it usually holds credits when it is killed.
     */
    private static final int SLOW_WORK = 50_000;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void eightJvmsOnOneCounterServeExactlyTheOpeningBalanceOversellNothingAndShareTheLastCredits(ForkedJvm.Jdk jdk,
            @TempDir Path dir) throws Exception {
        long began = System.nanoTime();
        try (CryptolensEmulator emulator = CryptolensEmulator.start()) {
            LicenseKey key = emulator.product(PRODUCT).key(KEY);
            key.dataObject(COUNTER, OPENING);
            List<Member> fleet = new ArrayList<>();
            List<String> story = new ArrayList<>();
            try {
                for (int i = 0; i < MACHINES; i++) {
                    fleet.add(Member.start(jdk, dir, emulator, "m" + i, i, i == KILLED ? SLOW_WORK : WORK));
                    Thread.sleep(STAGGER_MILLIS);
                }
                for (Member m : fleet) {
                    m.awaitStarted();
                }
                story.add(ms(began) + " all started, counter " + key.value(COUNTER));
                story.add(when(fleet, key, 15, fleet.get(FIRST_STOPPED)::stop, "m" + FIRST_STOPPED + " told to stop",
                        began));
                story.add(when(fleet, key, 30, fleet.get(KILLED)::kill, "m" + KILLED + " killed", began));
                story.add(when(fleet, key, 45, fleet.get(SECOND_STOPPED)::stop, "m" + SECOND_STOPPED + " told to stop",
                        began));
                for (Member m : fleet) {
                    m.awaitEnd();
                }
            } finally {
                fleet.forEach(Member::destroy);
            }
            Ledger ledger = Ledger.of(emulator.requests(), fleet);
            int counter = key.value(COUNTER);
            story.add(ms(began) + " all ended, counter " + counter + " after " + ledger.leases.size() + " leases, "
                    + emulator.requests().size() + " requests");

            long served = 0;
            long held = 0;
            Map<Member, Account> accounts = new HashMap<>();
            for (Member m : fleet) {
                Account a = m.account(ledger.leased(m));
                accounts.put(m, a);
                story.add(m + " ended +" + (m.endedAt - began) / 1_000_000 + " ms: " + a + "; sent "
                        + ledger.sentBy(m));
                served += a.served;
                held += a.held;
            }
            Long afterDenial = afterFirstDenial(fleet, accounts, story);
            Set<String> last = new TreeSet<>();
            ledger.leases.stream().filter(l -> l.before < OPENING / 10).forEach(l -> last.add(l.member.toString()));
            story.add("machines leasing below 10% of the opening: " + last);
            String figures = jdk + " fleet: opening=" + OPENING + " served=" + served + " held=" + held + " counter="
                    + counter + " leases=" + ledger.leases.size() + "\n" + String.join("\n", story)
                    + "\nthe leases below 10% of the opening (machine:units@counter before, read before): "
                    + ledger.tail();
            System.out.println("--- " + figures);

            // Exact, and not oversold: per machine, then over the fleet.
            for (Member m : fleet) {
                Account a = accounts.get(m);
                assertThat(a.served + a.held).as("%s: served + held = leased%n%s%n%s", m, figures, m.output())
                        .isEqualTo(a.leased);
                assertThat(a.served).as("%s served no more than it leased%n%s", m, figures)
                        .isLessThanOrEqualTo(a.leased);
                if (m.index == KILLED) {
                    assertThat(m.killed).as("%s was killed", m).isTrue();
                    continue;
                }
                ForkedJvm.Result r = m.result();
                assertThat(r.exit()).as(r.toString()).isZero();
                Map<String, String> line = r.fields("fleet");
                boolean toldToStop = m.index == FIRST_STOPPED || m.index == SECOND_STOPPED;
                assertThat(line).as("%s%n%s", r, figures).containsEntry("otherDenials", "0");
                assertThat(line.get("end")).as("how %s ended%n%s%n%s", m, r, figures)
                        .isIn(toldToStop ? List.of("stopped", "exhausted") : List.of("exhausted"));
                assertThat(r.agentLines()).as(r.toString())
                        .noneMatch(l -> l.startsWith("[tollgate] warning") || l.startsWith("[tollgate] error"));
                assertThat(r.out() + r.err()).doesNotContain(m.token);
            }

            assertThat(OPENING - ledger.total()).as("the emulator's counter is the opening less every lease")
                    .isEqualTo(counter);
            assertThat(served + held + counter).as("served + held + counter%n%s", figures).isEqualTo(OPENING);
            assertThat(served).as(figures).isLessThanOrEqualTo(OPENING);
            assertThat(ledger.unbounded).as("decrements sent without the bound at 0, which the emulator enforces")
                    .isEmpty();

            // Shared: nothing left on the key or in the journal of a machine that was denied, little in the others'
            // leases when the first was, and the last leases small and spread.
            for (Member m : fleet) {
                if (m.index != KILLED && m.result().fields("fleet").get("end").equals("exhausted")) {
                    assertThat(m.result().fields("fleet").get("left")).as("credits left when %s was denied for want "
                            + "of them%n%s%n%s", m, figures, m.output()).isEqualTo("0");
                    assertThat(accounts.get(m).held).as("credits left in the journal of %s, which was denied for want"
                            + " of credits%n%s%n%s", m, figures, m.output()).isZero();
                }
            }
            assertThat(counter).as("credits left on the key once every machine that spent to the end was denied%n%s",
                    figures).isZero();
            assertThat(ledger.leases).as("leases that took more than half of what their process had just read%n%s",
                    figures).noneMatch(l -> l.units > Math.max(1, (l.seen + 1) / 2));
            assertThat(afterDenial).as("calls the others served after the first machine was denied for want of credits"
                    + " (what their leases still held)%n%s", figures).isNotNull().isLessThanOrEqualTo(OPENING / 10);
            assertThat(last).as("machines that leased the last 10%% of the credits%n%s", figures).hasSizeGreaterThan(1);

            // The killed machine's leftover credits are the next start's in its folder.
            Member killed = fleet.get(KILLED);
            Account before = killed.account(ledger.leased(killed));
            Member next = Member.start(jdk, dir, emulator, "m" + KILLED, MACHINES, WORK);
            next.awaitEnd();
            ForkedJvm.Result r = next.result();
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.fields("fleet")).as(r.toString()).containsEntry("end", "exhausted")
                    .containsEntry("otherDenials", "0")
                    .containsEntry("served", String.valueOf(before.carried()));
            assertThat(r.agentLines()).as(r.toString()).anyMatch(l -> l.contains("carried on with journal fleet."));
            assertThat(Journal.of(killed.journals, COUNTER, null)).as("journals left after %s spent them", next)
                    .isEmpty();
            long lost = before.lostAtRestart();
            if (lost > 0) {
                assertThat(r.err()).as(r.toString()).contains("a lease of " + lost + " whose answer was lost cannot be "
                        + "told apart from other processes' leases");
            }
            assertThat(key.value(COUNTER)).isZero();
            assertThat(served + Long.parseLong(r.fields("fleet").get("served")) + held - before.held() + lost)
                    .as("served by every run + held by the stopped machines + lost at the restart%n%s", figures)
                    .isEqualTo(OPENING);
            System.out.println("--- " + jdk + " restart in m" + KILLED + ": " + r.fields("fleet") + ", lost " + lost
                    + "; whole test " + (System.nanoTime() - began) / 1_000_000 + " ms");
        }
    }

    /**
     * How many calls the other machines served after the first machine that spent to the end was denied, within a
     * hundred per machine (from the times the machines printed): what their leases still held then. Null when none
     * spent to the end.
     */
    private static Long afterFirstDenial(List<Member> fleet, Map<Member, Account> accounts, List<String> story) {
        Member first = null;
        long firstAt = Long.MAX_VALUE;
        for (Member m : fleet) {
            if (m.index == KILLED) {
                continue;
            }
            Map<String, String> line = m.result().fields("fleet");
            long at = Long.parseLong(line.get("at"));
            if (line.get("end").equals("exhausted") && at < firstAt) {
                first = m;
                firstAt = at;
            }
        }
        if (first == null) {
            return null;
        }
        long after = 0;
        for (Member m : fleet) {
            if (m != first) {
                after += Math.max(0, accounts.get(m).served - m.servedAt(firstAt));
            }
        }
        story.add("served by the others after " + first + " was denied: " + after + " (to a hundred per machine)");
        return after;
    }

    /** Milliseconds since {@code began}, for the story of a run. */
    private static String ms(long began) {
        return "+" + (System.nanoTime() - began) / 1_000_000 + " ms";
    }

    /**
     * Waits until the fleet has said it served {@code percent} of the opening credits, then acts; says when, and what
     * the counter was then. Served, not the counter: leases taken ahead move the counter well before the calls.
     */
    private static String when(List<Member> fleet, LicenseKey key, int percent, Runnable action, String what,
            long began) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        long served;
        while ((served = fleet.stream().mapToLong(m -> m.progress).sum()) < (long) OPENING * percent / 100) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the fleet said it served " + served + " in " + DEADLINE.toSeconds() + " s");
            }
            Thread.sleep(5);
        }
        int counter = key.value(COUNTER);
        String seen = ms(began);
        action.run();
        return seen + " " + what + " at " + served + " served, counter " + counter;
    }

    /** One lease: who took it, how many, what the counter was before it (in the log's order), what its taker read. */
    private record Lease(Member member, long units, long before, long seen) {
    }

    /**
     * The successful leases of the fleet, from the emulator's request log; decrements sent without the bound; and
     * per machine what it sent: reads, leases, refused leases, and the place of its first request in the log.
     */
    private record Ledger(List<Lease> leases, List<RecordedCall> unbounded, Map<Member, int[]> sent) {

        static Ledger of(List<RecordedCall> calls, List<Member> fleet) throws IOException {
            Map<String, Member> byToken = new HashMap<>();
            fleet.forEach(m -> byToken.put(m.token, m));
            Map<Member, Long> seen = new HashMap<>();
            List<Lease> leases = new ArrayList<>();
            List<RecordedCall> unbounded = new ArrayList<>();
            Map<Member, int[]> sent = new HashMap<>();
            long value = OPENING;
            for (int i = 0; i < calls.size(); i++) {
                RecordedCall c = calls.get(i);
                Member m = byToken.get(c.token().orElse(""));
                assertThat(m).as("a request from outside the fleet: %s", c).isNotNull();
                Endpoint e = c.endpoint().orElseThrow();
                int[] n = sent.computeIfAbsent(m, k -> new int[] {0, 0, 0, -1});
                n[e == Endpoint.LIST_DATA_OBJECTS_TO_KEY ? 0 : c.result().orElse(-1) == 0 ? 1 : 2]++;
                n[3] = n[3] < 0 ? i : n[3];
                if (e == Endpoint.DECREMENT_INT_VALUE_TO_KEY && !(c.param("EnableBound").orElse("").equals("true")
                        && c.param("Bound").orElse("").equals("0"))) {
                    unbounded.add(c);
                }
                if (c.result().orElse(-1) != 0) {
                    continue;
                }
                if (e == Endpoint.LIST_DATA_OBJECTS_TO_KEY) {
                    for (JsonNode d : JSON.readTree(c.reply().orElseThrow()).path("dataObjects")) {
                        if (d.path("name").asText().equals(COUNTER)) {
                            seen.put(m, d.path("intValue").asLong());
                        }
                    }
                } else if (e == Endpoint.DECREMENT_INT_VALUE_TO_KEY) {
                    assertThat(seen).as("a lease with no read before it: %s", c).containsKey(m);
                    long units = Long.parseLong(c.param("IntValue").orElseThrow());
                    leases.add(new Lease(m, units, value, seen.get(m)));
                    value -= units;
                } else {
                    throw new AssertionError("a request the fleet has no reason to send: " + c);
                }
            }
            return new Ledger(List.copyOf(leases), unbounded, sent);
        }

        /** The leases taken below 10% of the opening, as {@code machine:units@before/seen}. */
        String tail() {
            return leases.stream().filter(l -> l.before < OPENING / 10)
                    .map(l -> l.member + ":" + l.units + "@" + l.before + "/" + l.seen)
                    .collect(java.util.stream.Collectors.joining(" "));
        }

        /** What {@code m} sent, for the story. */
        String sentBy(Member m) {
            int[] n = sent.getOrDefault(m, new int[] {0, 0, 0, -1});
            return "reads=" + n[0] + " leases=" + n[1] + " refused=" + n[2] + " first request #" + n[3];
        }

        long total() {
            return leases.stream().mapToLong(Lease::units).sum();
        }

        long leased(Member m) {
            return leases.stream().filter(l -> l.member == m).mapToLong(Lease::units).sum();
        }
    }

    /**
     * One machine's credits: what it leased (the emulator's log), served (its line, or for the killed one its
     * journal's used) and held (its journal's granted less used, plus a lease pending at the kill that the log shows
     * applied).
     */
    private record Account(long leased, long served, long held, long granted, long used, JournalState state) {

        /** What a restart in its folder serves: its journal's credits, and a pending lease found applied. */
        long carried() {
            return granted - used + (pendingAppliedAtRestart() ? state.pendingUnits : 0);
        }

        /**
         * A lease pending at the kill that the log shows applied but that the restart, reading the counter back at
         * 0, cannot tell apart from other machines' leases: the README's known limit of a shared counter.
         */
        long lostAtRestart() {
            boolean pendingTake = state != null && state.pending == JournalState.Op.TAKE;
            boolean applied = pendingTake && leased == granted + state.pendingUnits;
            return applied && !pendingAppliedAtRestart() ? state.pendingUnits : 0;
        }

        private boolean pendingAppliedAtRestart() {
            return state != null && state.pending == JournalState.Op.TAKE
                    && state.pendingBefore - state.pendingUnits == 0;
        }

        @Override
        public String toString() {
            return "leased=" + leased + " served=" + served + " held=" + held + (state == null ? " (no journal)"
                    : " journal granted=" + granted + " used=" + used + " " + state);
        }
    }

    /** One JVM of the fleet: its folder, token and process; its stdout is read line by line. */
    private static final class Member {
        final String name;
        final int index;
        final String token;
        final Path journals;
        final Process process;
        final List<String> lines = new ArrayList<>();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Thread outReader;
        final Thread errReader;
        volatile boolean killed;
        volatile long endedAt;
        /** The last {@code served N} it printed. */
        volatile long progress;
        /** Each {@code served N at T} it printed, as {T, N} ({@code T}: its {@link System#currentTimeMillis()}). */
        final List<long[]> timeline = new java.util.concurrent.CopyOnWriteArrayList<>();

        private Member(String name, int index, String token, Path journals, Process process) {
            this.name = name;
            this.index = index;
            this.token = token;
            this.journals = journals;
            this.process = process;
            process.onExit().thenRun(() -> endedAt = System.nanoTime());
            this.outReader = pump(process.getInputStream(), line -> {
                if (line.startsWith("served ")) {
                    String[] words = line.split(" ");
                    progress = Long.parseLong(words[1]);
                    timeline.add(new long[] {Long.parseLong(words[3]), progress});
                    return;
                }
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            });
            this.errReader = pump(process.getErrorStream(), line -> {
                synchronized (err) {
                    err.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
            });
        }

        /** Starts {@code fixtures.Fleet} in {@code dir/folder} with a token of its own, {@code index} in the fleet. */
        static Member start(ForkedJvm.Jdk jdk, Path dir, CryptolensEmulator emulator, String folder, int index,
                int work) throws IOException {
            Path home = Files.createDirectories(dir.resolve(folder));
            Path journals = home.resolve("journal");
            String token = "tok-" + index + "-" + UUID.randomUUID();
            emulator.token(token, Permission.allData()).keyLock(-1);
            ForkedJvm.write(home, "tollgate.yml", CryptolensIT.config(emulator.url(), "readTimeout: 20s",
                    COUNTER + ": { mode: credits, sync: leased }\n") + "journal:\n  dir: " + journals + "\n");
            Process p = ForkedJvm.start(jdk, home, Map.of("CRYPTOLENS_TOKEN", token),
                    List.of("-Dfleet.work=" + work, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                            ForkedJvm.agentOption("tollgate.yml")),
                    "fixtures.Fleet");
            return new Member(folder + (index == MACHINES ? " (restart)" : ""), index, token, journals, p);
        }

        private static Thread pump(java.io.InputStream in, java.util.function.Consumer<String> line) {
            Thread t = new Thread(() -> {
                try (java.io.BufferedReader r = new java.io.BufferedReader(
                        new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        line.accept(l);
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }

        void awaitStarted() throws InterruptedException {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            synchronized (lines) {
                while (!lines.contains("started")) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !process.isAlive() && !lines.contains("started")) {
                        throw new AssertionError(this + " did not start\n" + output());
                    }
                    lines.wait(Math.max(1, Math.min(100, left / 1_000_000)));
                }
            }
        }

        void stop() {
            assertRunning("told to stop");
            try {
                OutputStream in = process.getOutputStream();
                in.write("stop\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(this + " could not be told to stop", e);
            }
        }

        /** kill -9 (SIGKILL on Linux), and waits until it is gone. */
        void kill() {
            assertRunning("killed");
            killed = true;
            process.destroyForcibly();
            try {
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s gone after kill -9", this).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** The plan needs it still spending; if it ran out first, the fleet spent faster than this test expects. */
        private void assertRunning(String what) {
            if (!process.isAlive()) {
                throw new AssertionError(this + " was to be " + what + " but had ended already\n" + output());
            }
        }

        void awaitEnd() throws InterruptedException {
            if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(this + " did not end in " + DEADLINE.toSeconds() + " s\n" + output());
            }
            outReader.join(10_000);
            errReader.join(10_000);
        }

        void destroy() {
            process.destroyForcibly();
        }

        ForkedJvm.Result result() {
            synchronized (lines) {
                synchronized (err) {
                    return new ForkedJvm.Result(process.exitValue(), String.join("\n", lines) + "\n",
                            err.toString(StandardCharsets.UTF_8));
                }
            }
        }

        String output() {
            synchronized (lines) {
                synchronized (err) {
                    return "--- stdout of " + this + "\n" + String.join("\n", lines) + "\n--- stderr\n"
                            + err.toString(StandardCharsets.UTF_8);
                }
            }
        }

        /** How many calls it had said it served at {@code millis} (its own clock; to the hundred below). */
        long servedAt(long millis) {
            long n = 0;
            for (long[] t : timeline) {
                if (t[0] <= millis) {
                    n = t[1];
                }
            }
            return n;
        }

        /** Its credits, from its journal folder (no process may hold a journal there) and {@code leased}. */
        Account account(long leased) throws IOException {
            List<Path> files = Journal.of(journals, COUNTER, null);
            assertThat(files).as("journals of %s", this).hasSizeLessThanOrEqualTo(1);
            long granted = 0;
            long used = 0;
            JournalState state = null;
            for (Path p : files) {
                try (Journal j = Journal.adopt(p, true)) {
                    assertThat(j).as("%s is held by a live process", p).isNotNull();
                    state = j.state();
                    granted = state.granted;
                    used = j.used();
                }
            }
            if (killed) {
                long pending = state != null && state.pending == JournalState.Op.TAKE ? state.pendingUnits : 0;
                assertThat(leased).as("%s leased what its journal was granted, or that and its pending lease: %s",
                        this, state).isIn(granted, granted + pending);
                return new Account(leased, used, leased - used, granted, used, state);
            }
            long served = Long.parseLong(result().fields("fleet").get("served"));
            if (state != null) {
                assertThat(used).as("%s: the calls in its journal are those it served", this).isEqualTo(served);
                assertThat(state.pending).as("%s ended with a step pending", this).isNull();
            }
            return new Account(leased, served, granted - used, granted, used, state);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
