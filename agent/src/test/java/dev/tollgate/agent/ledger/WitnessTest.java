package dev.tollgate.agent.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.zip.CRC32;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.backend.Outcome.Status;
import dev.tollgate.agent.log.Log;

/** The ledger's witness: no edit of one file or one place gives credits back, and every finding is one line. */
class WitnessTest {

    private static final String RESOLVE = ". Put back the latest copy of the file, or ask the vendor of the product";

    @TempDir
    Path dir;

    @TempDir
    Path home;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Consumer<String> listener = lines::add;

    @BeforeEach
    void listen() {
        Log.listen(listener);
    }

    @AfterEach
    void unlisten() {
        Log.unlisten(listener);
    }

    private LocalLedger ledger() {
        return new LocalLedger(dir, Map.of("export", 10L), dir.resolve("journal"), home);
    }

    private Path counter() {
        return dir.resolve("export.counter");
    }

    private Path witness() {
        return Witness.dirFor(home, dir).resolve("export" + Witness.SUFFIX);
    }

    /** Spends {@code n} of the 10 opening credits in one run. */
    private void spend(int n) {
        try (LocalLedger ledger = ledger()) {
            for (int i = 0; i < n; i++) {
                assertThat(ledger.take("export", 1, 0).isGranted()).isTrue();
            }
        }
    }

    private Outcome takeOne() {
        try (LocalLedger ledger = ledger()) {
            return ledger.take("export", 1, 0);
        }
    }

    private static void assertDenied(Outcome o, String detail) {
        assertThat(o.status()).as("%s", o).isEqualTo(Status.MISCONFIGURED);
        assertThat(o.detail()).isEqualTo(detail);
    }

    @Test
    void theWitnessLivesUnderTheHomeInAFolderNamedByTheLedgerFolderAndRecordsEveryStep() throws IOException {
        spend(3);

        assertThat(witness()).startsWith(home).exists();
        assertThat(witness().getParent().getFileName().toString()).hasSize(16).matches("[0-9a-f]+");
        try (Witness w = new Witness(witness())) {
            Witness.Entry e = w.read();
            assertThat(e.seq).isEqualTo(3);
            assertThat(e.value).isEqualTo(7);
            assertThat(e.kind).isEqualTo(CounterKind.CREDITS.code);
        }
    }

    @Test
    void aDeletedCounterFileIsReportedAndItsOpeningBalanceIsNotGrantedAgain() throws IOException {
        spend(10);
        Files.delete(counter());

        for (int run = 0; run < 2; run++) {
            assertDenied(takeOne(), "ledger file " + counter() + " was deleted or emptied, but the ledger's witness "
                    + witness() + " recorded it at step 10 with value 0: its use stays recorded, its opening balance "
                    + "is not granted again, and its feature is denied" + RESOLVE);
        }
    }

    @Test
    void anEmptiedCounterFileIsReportedAndStaysEmpty() throws IOException {
        spend(4);
        Files.write(counter(), new byte[0]);

        try (LocalLedger ledger = ledger()) {
            assertThat(ledger.read("export").detail()).startsWith("ledger file " + counter() + " was deleted or emptied")
                    .contains("recorded it at step 4 with value 6");
            assertThat(ledger.take("export", 1, 0).status()).isEqualTo(Status.MISCONFIGURED);
        }
        assertThat(counter()).isEmptyFile();
    }

    @Test
    void theWholeLedgerFolderDeletedGivesNoOpeningBalanceAgain() throws IOException {
        spend(10);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                if (Files.isRegularFile(p)) {
                    Files.delete(p);
                }
            }
        }

        assertThat(takeOne().detail()).contains("was deleted or emptied").contains("not granted again");
    }

    @Test
    void anOlderCopyPutBackIsReportedAndNotUsed() throws IOException {
        spend(2);
        byte[] older = Files.readAllBytes(counter());
        spend(8);
        Files.write(counter(), older);

        assertDenied(takeOne(), "ledger file " + counter() + " is an older copy: it holds step 2 with value 8, but "
                + "the ledger's witness " + witness() + " recorded step 10 with value 0: it was not used, and its "
                + "feature is denied" + RESOLVE);
        assertThat(Files.readAllBytes(counter())).isEqualTo(older);
    }

    @Test
    void aValueEditedWithItsChecksumFixedIsReported() throws IOException {
        spend(10); // step 10, value 0, in the first region
        byte[] bytes = Files.readAllBytes(counter());
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.putLong(12, 1000);
        int count = b.getInt(24);
        int end = CounterFile.HEADER + count * CounterFile.GRANT;
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, end);
        b.putInt(end, (int) crc.getValue());
        Files.write(counter(), bytes);

        assertDenied(takeOne(), "ledger file " + counter() + " was edited: its step 10 holds value 1000 (kind 1), "
                + "but the ledger's witness " + witness() + " recorded value 0 (kind 1) for that step: it was not used, "
                + "and its feature is denied" + RESOLVE);
    }

    @Test
    void aWitnessRemovedAloneIsRebuiltFromTheCounterWithANoticeAndGivesNothingBack() throws IOException {
        spend(10);
        Files.delete(witness());

        Outcome o = takeOne();

        assertThat(o.status()).isEqualTo(Status.BOUND_REACHED);
        assertThat(o.value()).isZero();
        assertThat(lines).contains("[tollgate] ledger file " + counter() + " had no witness (a ledger of an earlier "
                + "version, or its witness was removed): " + witness() + " records it from now on, at step 10");
        try (Witness w = new Witness(witness())) {
            assertThat(w.read().seq).isEqualTo(10);
        }
    }

    @Test
    void aDamagedWitnessIsRebuiltFromTheCounterWithANotice() throws IOException {
        spend(5);
        Files.write(witness(), "0000000000000000000000000000000000000000000000000000000000000000".getBytes());

        assertThat(takeOne().value()).isEqualTo(4);
        assertThat(lines).anyMatch(l -> l.contains(counter() + " had a damaged witness"));
    }

    @Test
    void aLedgerOfAnEarlierVersionIsAdoptedOnceAndThenHeld() throws IOException {
        Files.write(counter(), CounterFileTest.firstFormatSlot(3, 42, 1));

        assertThat(takeOne().value()).isEqualTo(41);
        assertThat(takeOne().value()).isEqualTo(40);
        assertThat(lines).filteredOn(l -> l.contains("had no witness")).hasSize(1);

        Files.write(counter(), CounterFileTest.firstFormatSlot(3, 42, 1));
        assertThat(takeOne().detail()).contains("is an older copy");
    }

    @Test
    void aCounterStepThatWasNeverWitnessedStandsAndTheWitnessCatchesUp() throws IOException {
        spend(2);
        try (CounterFile unwitnessed = new CounterFile(counter(), 10)) {
            unwitnessed.take(1, 0); // killed between the counter's write and the witness's
        }

        assertThat(takeOne().value()).isEqualTo(6);
        try (Witness w = new Witness(witness())) {
            assertThat(w.read().seq).isEqualTo(4);
        }
        assertThat(lines).noneMatch(l -> l.contains("witness"));
    }

    @Test
    void aNeverUsedCounterStartsAtItsOpeningBalanceAndWritesNoWitnessUntilItsFirstStep() {
        try (LocalLedger ledger = ledger()) {
            assertThat(ledger.read("export").value()).isEqualTo(10);
        }

        assertThat(witness()).doesNotExist();
        assertThat(takeOne().value()).isEqualTo(9);
        assertThat(witness()).exists();
    }
}
