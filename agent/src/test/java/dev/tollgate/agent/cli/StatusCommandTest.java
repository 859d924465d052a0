package dev.tollgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.ledger.LocalLedger;

/** {@code status} on the local ledger: what it shows, that it changes and locks nothing, and every way it fails. */
class StatusCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private LocalLedger ledger;

    @AfterEach
    void closeLedger() {
        if (ledger != null) {
            ledger.close();
        }
    }

    private int status(String... args) {
        return StatusCommand.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private JsonNode json() throws IOException {
        return new ObjectMapper().readTree(out());
    }

    private Path config(String features) throws IOException {
        return Files.writeString(dir.resolve("tollgate.yml"), """
                local:
                  dir: ledger
                  credits:
                    export: 10
                features:
                """ + features.indent(2));
    }

    private Path standardConfig() throws IOException {
        return config("""
                export: { mode: credits }
                render: { mode: usage, bound: 50 }
                """);
    }

    private LocalLedger ledger() {
        ledger = new LocalLedger(dir.resolve("ledger"), Map.of("export", 10L));
        return ledger;
    }

    @Test
    void showsCreditsLeftAndUnitsUsedOfTheCapAfterStrictSteps() throws IOException {
        Path config = standardConfig();
        ledger().take("export", 3, 0);
        ledger.add("render", 4, 50);

        assertThat(status(config.toString())).as(err()).isZero();

        assertThat(out()).contains("backend: local ledger in " + dir.resolve("ledger"))
                .contains("export: credits, leased\n  balance      7 credits left\n  unconfirmed  none\n"
                        + "  leases       none held by a running process\n  last sync    ")
                .contains("render: usage, batched\n  balance      4 units used of a cap of 50\n");
        assertThat(err()).isEmpty();
    }

    @Test
    void aCounterNotUsedYetShowsItsOpeningBalance() throws IOException {
        Path config = standardConfig();
        Files.createDirectories(dir.resolve("ledger"));

        assertThat(status(config.toString())).as(err()).isZero();

        assertThat(out()).contains("  balance      10 credits left (opening balance: the counter has not been used yet)")
                .contains("  balance      0 units used of a cap of 50 (opening balance")
                .contains("  last sync    none recorded");
    }

    @Test
    void aRunningProcesssLeaseAndItsUnconfirmedUseShowAndTheBalanceCountsThem() throws IOException {
        Path config = standardConfig();
        Journal j = Journal.create(dir.resolve("ledger").resolve("journal"), "export", true);
        try {
            ledger().reserve(Counter.credits("export", 0), j.id(), 5, 5);
            j.claim().add(2);

            assertThat(status(config.toString(), "--json")).as(err()).isZero();

            JsonNode export = json().get("features").get(0);
            assertThat(export.get("creditsLeft").asLong()).isEqualTo(8);
            assertThat(export.get("unconfirmed").asLong()).isEqualTo(2);
            assertThat(export.get("heldByRunningProcesses").asLong()).isEqualTo(3);
            JsonNode journal = export.get("journals").get(0);
            assertThat(journal.get("file").asText()).isEqualTo(j.path().getFileName().toString());
            assertThat(journal.get("running").asBoolean()).isTrue();
            assertThat(journal.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(journal.get("used").asLong()).isEqualTo(2);

            // Confirmed: the counter moves, the balance stays.
            ledger.confirm(Counter.credits("export", 0), j.id(), 2, false);
            outBytes.reset();
            assertThat(status(config.toString(), "--json")).isZero();
            export = json().get("features").get(0);
            assertThat(export.get("creditsLeft").asLong()).isEqualTo(8);
            assertThat(export.get("unconfirmed").asLong()).isZero();
        } finally {
            j.close();
        }
    }

    @Test
    void theJournalOfAProcessThatEndedShowsAsEndedAndHoldsNothingForARunningOne() throws IOException {
        Path config = standardConfig();
        Journal j = Journal.create(dir.resolve("ledger").resolve("journal"), "export", true);
        ledger().reserve(Counter.credits("export", 0), j.id(), 5, 5);
        j.claim().add(4);
        j.close(); // the lock goes with the process; the file stays for the next start

        assertThat(status(config.toString())).as(err()).isZero();

        assertThat(out()).contains("  balance      6 credits left\n  unconfirmed  4 units\n"
                + "  leases       none held by a running process\n")
                .contains("  journals     " + j.path().getFileName() + ": process ended (the next start settles it),"
                        + " 4 used, 4 unconfirmed, 1 held");
    }

    @Test
    void itChangesNoFileAndTakesNoLockThatARunningProductHolds() throws IOException {
        Path config = standardConfig();
        ledger().take("export", 3, 0);
        Journal j = Journal.create(dir.resolve("ledger").resolve("journal"), "export", true);
        Path counter = dir.resolve("ledger").resolve("export.counter");
        Map<Path, String> before = snapshot(dir.resolve("ledger"));
        try (FileChannel c = FileChannel.open(counter, StandardOpenOption.WRITE); FileLock held = c.lock()) {
            // A product's step in progress holds the counter's lock, and the journal's lock is held: a status that
            // tried to lock either in this JVM would fail with OverlappingFileLockException.
            assertThat(status(config.toString())).as(err()).isZero();
        } finally {
            j.close();
        }

        assertThat(out()).contains("  balance      7 credits left");
        assertThat(snapshot(dir.resolve("ledger"))).isEqualTo(before);
    }

    /**
     * Every file under {@code root} with its size and modification time, and a counter's bytes. (A journal is not
     * read here: closing a file releases every lock this process holds on it, the journal's own included.)
     */
    private static Map<Path, String> snapshot(Path root) throws IOException {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                files.put(p, Files.isDirectory(p) ? "dir" : Files.size(p) + " " + Files.getLastModifiedTime(p)
                        + (p.toString().endsWith(".counter") ? " " + Arrays.hashCode(Files.readAllBytes(p)) : ""));
            }
        }
        return files;
    }

    @Test
    void jsonHasEveryFieldForScripts() throws IOException {
        Path config = standardConfig();
        ledger().add("render", 4, 50);

        assertThat(status("--json", config.toString())).as(err()).isZero();

        JsonNode root = json();
        assertThat(root.get("backend").asText()).isEqualTo("local");
        assertThat(root.get("ledger").asText()).isEqualTo(dir.resolve("ledger").toString());
        assertThat(root.get("journalDir").asText()).isEqualTo(dir.resolve("ledger").resolve("journal").toString());
        JsonNode export = root.get("features").get(0);
        assertThat(export.fieldNames()).toIterable().containsExactly("name", "mode", "sync", "counter",
                "creditsLeft", "bound", "unconfirmed", "heldByRunningProcesses", "journals", "grace", "lastSync",
                "error");
        JsonNode render = root.get("features").get(1);
        assertThat(render.get("mode").asText()).isEqualTo("usage");
        assertThat(render.get("used").asLong()).isEqualTo(4);
        assertThat(render.get("cap").asLong()).isEqualTo(50);
        assertThat(render.get("lastSync").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(render.get("error").isNull()).isTrue();
    }

    @Test
    void aFeatureWithGraceOnTheLocalLedgerSaysItNeedsNone() throws IOException {
        Path config = config("""
                export: { mode: credits, onBackendFailure: grace, grace: { units: 50 } }
                """);
        ledger().take("export", 1, 0);

        assertThat(status(config.toString())).as(err()).isZero();

        assertThat(out()).contains("  grace        not needed: the local ledger is on this machine");
    }

    @Test
    void aMissingLedgerFolderIsOneLineNamingItAndLocalDir() throws IOException {
        Path config = standardConfig();

        assertThat(status(config.toString())).isEqualTo(1);

        assertThat(out()).isEmpty();
        assertThat(err()).isEqualTo("tollgate status: no ledger at " + dir.resolve("ledger") + " (local.dir of " + config
                + "): nothing has been metered with this config yet, or local.dir names another folder\n");
    }

    @Test
    void aFolderThatIsNotALedgerIsRefused() throws IOException {
        Path config = standardConfig();
        Files.createDirectories(dir.resolve("ledger"));
        Files.writeString(dir.resolve("ledger").resolve("notes.txt"), "mine");
        Files.createDirectories(dir.resolve("ledger").resolve("photos"));

        assertThat(status(config.toString())).isEqualTo(1);

        assertThat(out()).isEmpty();
        assertThat(err()).isEqualTo("tollgate status: " + dir.resolve("ledger") + " (local.dir of " + config
                + ") is not a Tollgate ledger: it holds 2 entries and no counter (*.counter) or journal\n");
    }

    @Test
    void aFileGivenAsTheLedgerFolderIsRefused() throws IOException {
        Path config = standardConfig();
        Files.writeString(dir.resolve("ledger"), "not a folder");

        assertThat(status(config.toString())).isEqualTo(1);

        // The config reader already refuses such a local.dir, with its line; status says so and stops.
        assertThat(err()).isEqualTo("tollgate status: " + config + " has 1 problem (the agent would deny every "
                + "metered call; 'check' lists them): " + config + ":2: local.dir: " + dir.resolve("ledger")
                + " cannot be the folder of the ledger: " + dir.resolve("ledger") + " is a file, not a folder\n");
    }

    @Test
    void aCorruptCounterIsAnErrorOfItsFeatureAndTheOthersStillShow() throws IOException {
        Path config = standardConfig();
        ledger().add("render", 4, 50);
        Files.write(dir.resolve("ledger").resolve("export.counter"), new byte[8192]);

        assertThat(status(config.toString())).isEqualTo(1);

        assertThat(out()).contains("export: credits, leased\n  error        ledger file "
                + dir.resolve("ledger").resolve("export.counter") + " is corrupt (8192 bytes, no valid record)")
                .contains("  balance      unknown")
                .contains("  balance      4 units used of a cap of 50");
    }

    @Test
    void aCounterOfTheOtherModelIsAnError() throws IOException {
        Path config = config("""
                export: { mode: credits }
                render: { mode: credits }
                """);
        ledger().add("render", 4, 50);

        assertThat(status(config.toString(), "--json")).isEqualTo(1);

        assertThat(json().get("features").get(1).get("error").asText()).isEqualTo("ledger file "
                + dir.resolve("ledger").resolve("render.counter")
                + " holds a usage counter, but the feature is configured as credits");
    }

    @Test
    void aConfigWithProblemsIsRefusedWithItsFirstProblem() throws IOException {
        Path config = config("""
                export: { mode: credits, cots: 2 }
                """);

        assertThat(status(config.toString())).isEqualTo(1);

        assertThat(out()).isEmpty();
        assertThat(err()).startsWith("tollgate status: " + config + " has 1 problem (the agent would deny every metered"
                + " call; 'check' lists them): " + config + ":6: features.export.cots: ");
        assertThat(err().lines()).hasSize(1);
    }

    @Test
    void aMissingConfigFileAndADirectoryGivenAsTheConfigAreOneLineEach() {
        assertThat(status(dir.resolve("nope.yml").toString())).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate status: " + dir.resolve("nope.yml") + ": config file not found\n");

        errBytes.reset();
        assertThat(status(dir.toString())).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate status: " + dir + " is a directory, not a config file\n");
    }

    @Test
    void badUsageExitsTwoWithTheUsage() {
        assertThat(status("--verbose")).isEqualTo(2);
        assertThat(err()).startsWith("tollgate status: unknown option '--verbose'\nUsage: java -jar tollgate-agent.jar"
                + " status [config.yml] [--json]\n");

        errBytes.reset();
        assertThat(status("a.yml", "b.yml")).isEqualTo(2);
        assertThat(err()).startsWith("tollgate status: one config at most, not also 'b.yml'\n");

        assertThat(status("--help")).isZero();
        assertThat(out()).startsWith("Usage: java -jar tollgate-agent.jar status [config.yml] [--json]\n");
    }
}
