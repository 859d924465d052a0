package dev.tollgate.agent.forked;

import static dev.tollgate.agent.forked.CryptolensIT.ENV;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a product killed with -9 left in its journals is settled by the next start, on the packaged agent, even
 * when that start never calls the feature: the sync thread opens the journals of every journaled feature whose
 * counter has a journal of a process that ended, about a second after start.
 *
 * <p>The killed run sends nothing before the kill ({@code flushEvery: 1h}), so that all it counted is in its
 * journal; the restart has the plain {@code sync: batched} of a shipped config and only waits at a pause.
 */
class EndedJournalsIT {

    /** How long the restart may take to settle: the second after start, the first send, and a slow machine. */
    private static final long SETTLE_SECONDS = 15;
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void batchedUsageAKilledRunCountedReachesTheEmulatorFromARestartThatNeverCallsTheFeature(ForkedJvm.Jdk jdk,
            @TempDir Path dir) throws Exception {
        Process emulator = CryptolensIT.startStandalone();
        try {
            String url = CryptolensIT.listeningUrl(emulator);
            writeRemoteConfig(dir, url, "render: { mode: usage, sync: batched, flushEvery: 1h, flushUnits: 100000000 }");
            long counted;
            try (Product killed = Product.start(jdk, dir, ENV, "render=5000", "pause")) {
                counted = Long.parseLong(killed.fields("render").get("returned"));
                killed.awaitLine("pause: 1");
                killed.kill9();
            }
            assertThat(counted).isEqualTo(5000);
            assertThat(CryptolensIT.dataObjects(url).getOrDefault("render", 0)).as("sent before the kill")
                    .isLessThan((int) counted);

            writeRemoteConfig(dir, url, "render: { mode: usage, sync: batched }");
            try (Product restart = Product.start(jdk, dir, ENV, "pause")) {
                restart.awaitLine("pause: 1");
                Integer value = await(() -> renderOn(url), v -> v != null && v == counted);
                assertThat(value).as("the emulator's render, from a restart that never called it%n%s", restart)
                        .isEqualTo((int) counted);
                assertThat(restart.finish()).as(restart.toString()).isZero();
                assertThat(restart.lines).as("render never called").noneMatch(l -> l.startsWith("render:"));
            }
            assertThat(CryptolensIT.dataObjects(url).get("render")).as("sent once").isEqualTo((int) counted);
        } finally {
            CryptolensIT.stop(emulator);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aRestartThatNeverCallsAFeatureSettlesWhatAKilledRunLeftOnTheLocalLedgerAndKeepsItsOwnJournalLocked(ForkedJvm.Jdk jdk,
            @TempDir Path dir) throws Exception {
        ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  credits:
                    export: 1000
                features:
                  export: { mode: credits, sync: leased, block: 100 }
                  render: { mode: usage, sync: batched, flushEvery: 1h, flushUnits: 100000000 }
                """);
        try (Product killed = Product.start(jdk, dir, Map.of(), "export=30", "render=42", "pause")) {
            killed.awaitLine("pause: 1");
            killed.kill9();
        }
        JsonNode before = status(jdk, dir);
        assertThat(endedJournals(before, "export")).as(before.toString()).singleElement()
                .satisfies(j -> assertThat(j.get("used").asLong()).isEqualTo(30));
        assertThat(endedJournals(before, "render")).as(before.toString()).singleElement()
                .satisfies(j -> assertThat(j.get("used").asLong()).isEqualTo(42));

        // The restart calls export once (its first call settles export's ended journal and leases), never
        // render: the background settles render's, and must leave the journal export has open locked.
        try (Product restart = Product.start(jdk, dir, Map.of(), "export=1", "pause")) {
            restart.awaitLine("pause: 1");
            JsonNode after = await(() -> status(jdk, dir), s -> endedJournals(s, "render").isEmpty());
            assertThat(endedJournals(after, "render")).as("settled while the restart runs%n%s%n%s", after, restart)
                    .isEmpty();
            JsonNode export = feature(after, "export");
            assertThat(export.get("journals")).as("the restart's own journal, still locked by it%n%s", after)
                    .singleElement().satisfies(j -> {
                        assertThat(j.get("running").asBoolean()).isTrue();
                        assertThat(j.get("pid").asLong()).isEqualTo(restart.pid());
                        assertThat(j.get("used").asLong()).isEqualTo(1);
                    });
            assertThat(export.get("creditsLeft").asLong()).as("30 + 1 spent, the rest back or leased").isEqualTo(969);
            // Its lease: a sixteenth of the 970 free (61, near the bound), one spent.
            assertThat(export.get("heldByRunningProcesses").asLong()).isEqualTo(60);
            JsonNode render = feature(after, "render");
            assertThat(render.get("used").asLong()).isEqualTo(42);
            assertThat(render.get("unconfirmed").asLong()).as("confirmed in the ledger").isZero();
            assertThat(restart.finish()).as(restart.toString()).isZero();
        }
        JsonNode last = status(jdk, dir);
        assertThat(feature(last, "export").get("creditsLeft").asLong()).isEqualTo(969);
        assertThat(feature(last, "render").get("used").asLong()).isEqualTo(42);
        assertThat(feature(last, "export").get("journals")).as("no journal left").isEmpty();
        assertThat(feature(last, "render").get("journals")).isEmpty();
    }

    private static Integer renderOn(String url) {
        try {
            return CryptolensIT.dataObjects(url).get("render");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeRemoteConfig(Path dir, String url, String render) {
        ForkedJvm.write(dir, "tollgate.yml", CryptolensIT.config(url, "", render) + """
                journal:
                  dir: journal
                """);
    }

    /** {@code status --json}, which only reads: it settles nothing itself. */
    private static JsonNode status(ForkedJvm.Jdk jdk, Path dir) {
        ForkedJvm.Result r = ForkedJvm.java(jdk, dir, "-jar", ForkedJvm.agentJar().toString(), "status", "--json",
                "tollgate.yml");
        assertThat(r.exit()).as(r.toString()).isZero();
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON:\n" + r, e);
        }
    }

    private static JsonNode feature(JsonNode status, String name) {
        for (JsonNode f : status.get("features")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no feature " + name + " in " + status);
    }

    private static List<JsonNode> endedJournals(JsonNode status, String feature) {
        List<JsonNode> ended = new ArrayList<>();
        for (JsonNode j : feature(status, feature).get("journals")) {
            if (!j.get("running").asBoolean()) {
                ended.add(j);
            }
        }
        return ended;
    }

    /** Reads {@code what} until {@code done} holds or {@value #SETTLE_SECONDS} s passed; the last value read. */
    private static <T> T await(Supplier<T> what, java.util.function.Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        T value = what.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            value = what.get();
        }
        return value;
    }

    /** A forked product the test reads line by line, can kill with -9, or lets go on past its pause. */
    private static final class Product implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final Writer in;
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final List<String> lines = new ArrayList<>();

        private Product(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread drain = new Thread(() -> {
                try {
                    process.getErrorStream().transferTo(err);
                } catch (IOException e) {
                    // the process is gone
                }
            });
            drain.setDaemon(true);
            drain.start();
            Thread watchdog = new Thread(() -> {
                try {
                    if (!process.waitFor(ForkedJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    // the test ended
                }
            });
            watchdog.setDaemon(true);
            watchdog.start();
        }

        static Product start(ForkedJvm.Jdk jdk, Path dir, Map<String, String> env, String... scenarios) {
            return new Product(ForkedJvm.start(jdk, dir, env, List.of(ForkedJvm.agentOption("tollgate.yml")),
                    "fixtures.Scenarios", scenarios));
        }

        /** Reads lines up to and including the first that starts with {@code prefix}. */
        String awaitLine(String prefix) throws IOException {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError("the product ended before a line starting with '" + prefix + "'\n" + this);
        }

        /** The {@code key=value} fields of the scenario's line {@code name: ...}, read up to it. */
        Map<String, String> fields(String name) throws IOException {
            return new ForkedJvm.Result(0, awaitLine(name + ": ") + "\n", "").fields(name);
        }

        long pid() {
            return process.pid();
        }

        /** SIGKILL, as {@code kill -9}: no shutdown hook runs, nothing is settled. */
        void kill9() throws InterruptedException {
            process.toHandle().destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
            assertThat(process.exitValue()).as("ended by SIGKILL").isEqualTo(137);
        }

        /** Lets the product go on past its pause and waits for its exit status. */
        int finish() throws IOException, InterruptedException {
            in.write('\n');
            in.flush();
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
            }
            assertThat(process.waitFor(ForkedJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("finished").isTrue();
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }

        @Override
        public String toString() {
            return "stdout:\n" + String.join("\n", lines) + "\nstderr:\n" + err.toString(StandardCharsets.UTF_8);
        }
    }
}
