package dev.tollgate.agent.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.agent.ThreadStates;

class CounterFileTest {

    private static final long NO_CAP = Long.MAX_VALUE;

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("export.counter");
    }

    @Test
    void aNewCounterReadsItsOpeningValueAndWritesNothing() throws IOException {
        try (CounterFile f = new CounterFile(file(), 7)) {
            assertThat(f.read()).isEqualTo(7);
        }

        assertThat(Files.size(file())).isZero();
    }

    @Test
    void aTakeDownToTheFloorIsAppliedAndTheNextIsRefusedWithTheCurrentValue() throws IOException {
        try (CounterFile f = new CounterFile(file(), 3)) {
            Step first = f.take(3, 0);
            Step second = f.take(1, 0);

            assertThat(first.applied).isTrue();
            assertThat(first.value).isZero();
            assertThat(second.applied).isFalse();
            assertThat(second.value).isZero();
        }
    }

    @Test
    void anAddUpToTheCapIsAppliedAndTheNextIsRefusedWithTheCurrentValue() throws IOException {
        try (CounterFile f = new CounterFile(file(), 0)) {
            Step first = f.add(5, 5);
            Step second = f.add(1, 5);

            assertThat(first.applied).isTrue();
            assertThat(first.value).isEqualTo(5);
            assertThat(second.applied).isFalse();
            assertThat(second.value).isEqualTo(5);
        }
    }

    @Test
    void negativeStepsAreRefusedBecauseACounterMovesOneWay() throws IOException {
        try (CounterFile credits = new CounterFile(file(), 5);
                CounterFile usage = new CounterFile(dir.resolve("charts.counter"), 0)) {
            assertThat(credits.take(-1, 0).applied).isFalse();
            assertThat(usage.add(-1, NO_CAP).applied).isFalse();
            assertThat(credits.read()).isEqualTo(5);
            assertThat(usage.read()).isZero();
        }
    }

    @Test
    void stepsThatWouldOverflowAreRefused() throws IOException {
        try (CounterFile usage = new CounterFile(dir.resolve("charts.counter"), 0);
                CounterFile credits = new CounterFile(file(), 0)) {
            assertThat(usage.add(Long.MAX_VALUE, NO_CAP).applied).isTrue();
            assertThat(usage.add(1, NO_CAP).applied).isFalse();
            assertThat(usage.read()).isEqualTo(Long.MAX_VALUE);

            assertThat(credits.take(Long.MAX_VALUE, Long.MIN_VALUE).value).isEqualTo(-Long.MAX_VALUE);
            Step wraps = credits.take(Long.MAX_VALUE, Long.MIN_VALUE);
            assertThat(wraps.applied).isFalse();
            assertThat(credits.read()).isEqualTo(-Long.MAX_VALUE);
        }
    }

    @Test
    void theFirstStepIsWrittenToTheSecondSlotAndStepsAlternate() throws IOException {
        try (CounterFile f = new CounterFile(file(), 10)) {
            f.take(1, 0);
            byte[] one = Files.readAllBytes(file());
            f.take(1, 0);
            byte[] two = Files.readAllBytes(file());

            assertThat(one).hasSize(CounterFile.REGION + CounterFile.HEADER + 4);
            assertThat(Arrays.copyOfRange(one, 0, CounterFile.REGION)).containsOnly(0);
            assertThat(slot(one, 1)).isEqualTo(new long[] {1, 9, 1});
            assertThat(slot(two, 0)).isEqualTo(new long[] {2, 8, 1});
            assertThat(slot(two, 1)).as("the older slot is kept").isEqualTo(new long[] {1, 9, 1});
        }
    }

    @Test
    void theOpeningValueIsIgnoredOnceTheCounterWasWritten() throws IOException {
        try (CounterFile f = new CounterFile(file(), 10)) {
            f.take(4, 0);
        }
        try (CounterFile again = new CounterFile(file(), 1000)) {
            assertThat(again.read()).isEqualTo(6);
            assertThat(again.take(1, 0).value).isEqualTo(5);
        }
    }

    @Test
    void twoHandlesOnOneFileUsedInTurnSeeEachOthersSteps() throws IOException {
        try (CounterFile a = new CounterFile(file(), 10); CounterFile b = new CounterFile(file(), 10)) {
            assertThat(a.take(1, 0).value).isEqualTo(9);
            assertThat(b.take(1, 0).value).isEqualTo(8);
            assertThat(a.take(1, 0).value).isEqualTo(7);
            assertThat(b.read()).isEqualTo(7);
        }
    }

    @Test
    void aUsageCounterSteppedAsCreditsIsRefusedAndLeftUnchanged() throws IOException {
        try (CounterFile f = new CounterFile(file(), 0)) {
            f.add(3, NO_CAP);
        }
        byte[] before = Files.readAllBytes(file());

        try (CounterFile f = new CounterFile(file(), 10)) {
            assertThatThrownBy(() -> f.take(1, 0)).isInstanceOf(CounterFile.CorruptException.class)
                    .hasMessage("ledger file " + file() + " holds a usage counter, but the feature is configured as "
                            + "credits; it was not changed. Use another feature name, or move the file away to start "
                            + "the counter again");
            assertThat(f.read()).as("a plain read accepts either kind").isEqualTo(3);
        }
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void aFileWithoutAValidSlotIsCorruptAndLeftUnchanged() throws IOException {
        byte[] garbage = new byte[2 * CounterFile.SLOT];
        Arrays.fill(garbage, (byte) 0x5A);
        Files.write(file(), garbage);

        try (CounterFile f = new CounterFile(file(), 10)) {
            assertThatThrownBy(f::read).isInstanceOf(CounterFile.CorruptException.class)
                    .hasMessage("ledger file " + file() + " is corrupt (64 bytes, no valid record); it was not reset. "
                            + "Restore it from a backup, or delete it to start again from the opening balance");
            assertThatThrownBy(() -> f.take(1, 0)).isInstanceOf(CounterFile.CorruptException.class);
            assertThatThrownBy(() -> f.add(1, NO_CAP)).isInstanceOf(CounterFile.CorruptException.class);
        }
        assertThat(Files.readAllBytes(file())).isEqualTo(garbage);
    }

    @Test
    void aFileCutAfterItsFirstCompleteSlotIsReadFromThatSlot() throws IOException {
        try (CounterFile f = new CounterFile(file(), 10)) {
            f.take(1, 0);
            f.take(1, 0); // the newest, 8, is now in the first slot
        }
        truncate(file(), CounterFile.REGION);

        try (CounterFile f = new CounterFile(file(), 10)) {
            assertThat(f.read()).isEqualTo(8);
            assertThat(f.take(1, 0).value).isEqualTo(7);
        }
    }

    @Test
    void aSlotWithAValidCrcButAnUnknownKindIsRefused() throws IOException {
        Files.write(file(), firstFormatSlot(1, 42, 9));

        try (CounterFile f = new CounterFile(file(), 0)) {
            assertThat(f.read()).isEqualTo(42);
            assertThatThrownBy(() -> f.add(1, NO_CAP)).isInstanceOf(CounterFile.CorruptException.class)
                    .hasMessageContaining("holds a unknown counter");
        }
    }

    // ---- grants of journaling processes ----

    private static final long A = 0xA;
    private static final long B = 0xB;

    @Test
    void aReservationHoldsCreditsBackFromOtherReservationsAndFromPlainTakes() throws IOException {
        try (CounterFile f = new CounterFile(file(), 100)) {
            Step a = f.reserve(CounterKind.CREDITS, A, 40, 40, 0);
            assertThat(a.applied).isTrue();
            assertThat(a.value).isEqualTo(40);
            assertThat(f.read()).as("the value moves when use is confirmed, not when it is reserved").isEqualTo(100);

            assertThat(f.take(61, 0).applied).isFalse();
            assertThat(f.take(60, 0).applied).isTrue();
            Step b = f.reserve(CounterKind.CREDITS, B, 10, 1, 0);
            assertThat(b.applied).isFalse();
            assertThat(b.value).as("nothing is free").isZero();
        }
    }

    @Test
    void nearTheBoundAReservationTakesASixteenthOfWhatIsFreeButAtLeastWhatIsNeeded() throws IOException {
        try (CounterFile f = new CounterFile(file(), 30)) {
            assertThat(f.reserve(CounterKind.CREDITS, A, 100, 1, 0).value).as("a sixteenth of 30, rounded up").isEqualTo(2);
            assertThat(f.reserve(CounterKind.CREDITS, B, 100, 12, 0).value).as("needed: more than a sixteenth of 28")
                    .isEqualTo(12);
            assertThat(f.reserve(CounterKind.CREDITS, B, 100, 17, 0).applied).as("16 are free").isFalse();
        }
    }

    @Test
    void confirmingMovesTheValueByTheUseSinceTheLastConfirmationAndSettlingReleasesTheRest() throws IOException {
        try (CounterFile f = new CounterFile(file(), 100)) {
            f.reserve(CounterKind.CREDITS, A, 50, 50, 0);
            assertThat(f.confirm(CounterKind.CREDITS, A, 10, false).value).isEqualTo(90);
            assertThat(f.confirm(CounterKind.CREDITS, A, 25, false).value).isEqualTo(75);
            assertThat(f.grants()).extracting(g -> g.reserved, g -> g.confirmed, CounterFile.Grant::held)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(50L, 25L, 25L));

            Step settled = f.confirm(CounterKind.CREDITS, A, 30, true);
            assertThat(settled.value).isEqualTo(70);
            assertThat(f.grants()).isEmpty();
            assertThat(f.take(70, 0).applied).as("the unused 20 are free again").isTrue();
        }
    }

    @Test
    void aGrantThatIsGoneWasSettledAndConfirmingItAgainChangesNothing() throws IOException {
        try (CounterFile f = new CounterFile(file(), 100)) {
            f.reserve(CounterKind.CREDITS, A, 50, 1, 0);
            f.confirm(CounterKind.CREDITS, A, 5, true);
            byte[] before = Files.readAllBytes(file());

            Step again = f.confirm(CounterKind.CREDITS, A, 5, true);
            assertThat(again.applied).isFalse();
            assertThat(again.value).isEqualTo(95);
            assertThat(Files.readAllBytes(file())).isEqualTo(before);
        }
    }

    @Test
    void usageRoomIsReservedUnderTheCapAndUseIsAddedWhenConfirmed() throws IOException {
        try (CounterFile f = new CounterFile(file(), 0)) {
            assertThat(f.reserve(CounterKind.USAGE, A, 4, 4, 10).value).isEqualTo(4);
            assertThat(f.add(7, 10).applied).as("4 of the cap of 10 are held").isFalse();
            assertThat(f.add(6, 10).applied).isTrue();
            assertThat(f.confirm(CounterKind.USAGE, A, 3, true).value).isEqualTo(9);
            assertThat(f.add(1, 10).applied).as("settled: the 1 reserved and unused is free").isTrue();
            assertThat(f.add(1, 10).applied).isFalse();
        }
    }

    @Test
    void usageWithoutACapIsOpenedWithoutAReservationAndConfirmedByAddingIt() throws IOException {
        try (CounterFile f = new CounterFile(file(), 0)) {
            f.open(CounterKind.USAGE, A);
            f.open(CounterKind.USAGE, A);
            assertThat(f.grants()).hasSize(1);
            assertThat(f.confirm(CounterKind.USAGE, A, 42, false).value).isEqualTo(42);
            assertThat(f.confirm(CounterKind.USAGE, A, 40, false).value).as("a refund after a confirmation")
                    .isEqualTo(40);
        }
    }

    @Test
    void grantsSurviveReopeningAndTheFileOfTheFirstFormatIsConvertedWithoutTouchingItsSlots() throws IOException {
        byte[] slot = firstFormatSlot(1, 42, 1);
        Files.write(file(), slot);

        try (CounterFile f = new CounterFile(file(), 0)) {
            assertThat(f.read()).isEqualTo(42);
            f.reserve(CounterKind.CREDITS, A, 10, 1, 0);
        }
        byte[] bytes = Files.readAllBytes(file());
        assertThat(Arrays.copyOfRange(bytes, 0, CounterFile.SLOT)).as("the old slot is untouched")
                .isEqualTo(slot);
        assertThat(slot(bytes, 1)[0]).as("written to the second region").isEqualTo(3);
        try (CounterFile f = new CounterFile(file(), 0)) {
            assertThat(f.read()).isEqualTo(42);
            assertThat(f.grants()).extracting(g -> g.journal).containsExactly(A);
        }
    }

    @Test
    void aGrantBeyondTheMostARecordHoldsIsRefusedAndNothingIsWritten() throws IOException {
        try (CounterFile f = new CounterFile(file(), 0)) {
            for (long j = 1; j <= CounterFile.MAX_GRANTS; j++) {
                f.open(CounterKind.USAGE, j);
            }
            byte[] before = Files.readAllBytes(file());

            assertThatThrownBy(() -> f.open(CounterKind.USAGE, 9999)).isInstanceOf(IOException.class)
                    .hasMessage("ledger file " + file() + " already holds the grants of " + CounterFile.MAX_GRANTS
                            + " processes, the most it can");
            assertThatThrownBy(() -> f.reserve(CounterKind.USAGE, 9999, 1, 1, NO_CAP))
                    .isInstanceOf(IOException.class);
            assertThat(Files.readAllBytes(file())).isEqualTo(before);
            assertThat(f.grants()).hasSize(CounterFile.MAX_GRANTS);
        }
    }

    @Test
    void aFileOfTheSecondFormatIsReadWithItsGrantsAndRewrittenInTheThirdWithNoTopUp() throws IOException {
        ByteBuffer v2 = ByteBuffer.allocate(CounterFile.REGION + 28 + CounterFile.GRANT + 4);
        v2.position(CounterFile.REGION);
        v2.putInt(0x54474332).putLong(5).putLong(77).putInt(1).putInt(1).putLong(A).putLong(10).putLong(3);
        CRC32 crc = new CRC32();
        crc.update(v2.array(), CounterFile.REGION, 28 + CounterFile.GRANT);
        v2.putInt((int) crc.getValue());
        Files.write(file(), v2.array());

        try (CounterFile f = new CounterFile(file(), 0)) {
            assertThat(f.read()).isEqualTo(77);
            assertThat(f.grants()).extracting(g -> g.reserved).containsExactly(10L);
            assertThat(f.lastTopUp()).isZero();
            assertThat(f.topUp(100, 42).value).isEqualTo(177);
            assertThat(f.lastTopUp()).isEqualTo(42);
        }
        byte[] bytes = Files.readAllBytes(file());
        assertThat(slot(bytes, 0)).containsExactly(6, 177, 1);
        try (CounterFile f = new CounterFile(file(), 0)) {
            assertThat(f.grants()).as("the grants carried over").extracting(g -> g.journal).containsExactly(A);
        }
    }

    @Test
    void aTopUpOfNothingOrOneThatWouldOverflowIsRefusedAndWritesNothing() throws IOException {
        try (CounterFile f = new CounterFile(file(), Long.MAX_VALUE - 1)) {
            assertThat(f.topUp(0, 7).applied).isFalse();
            assertThat(f.topUp(2, 7).applied).isFalse();
            assertThat(f.lastTopUp()).isZero();
        }
        assertThat(Files.size(file())).isZero();
    }

    /** A slot of the first file format ({@code TGC1}): magic, seq, value, kind as a long, CRC-32. */
    static byte[] firstFormatSlot(long seq, long value, long kind) {
        ByteBuffer slot = ByteBuffer.allocate(CounterFile.SLOT);
        slot.putInt(0x54474331).putLong(seq).putLong(value).putLong(kind);
        CRC32 crc = new CRC32();
        crc.update(slot.array(), 0, CounterFile.SLOT - 4);
        slot.putInt((int) crc.getValue());
        return slot.array();
    }

    /** {seq, value, kind} of the record in region {@code index}, checking its magic. */
    static long[] slot(byte[] file, int index) {
        ByteBuffer b = ByteBuffer.wrap(file, index * CounterFile.REGION, 32).slice();
        assertThat(new String(file, index * CounterFile.REGION, 4, StandardCharsets.US_ASCII)).isEqualTo("TGC3");
        return new long[] {b.getLong(4), b.getLong(12), b.getInt(20)};
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(size);
        }
    }

    @Test
    void aStepThatWaitsForAnotherStepOfThisJvmIsParkedNotBlockedOnAMonitor() throws Exception {
        try (CounterFile f = new CounterFile(file(), 7)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Runnable take = () -> {
                try {
                    f.take(1, 0);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };

            assertThat(ThreadStates.waiterWhileHeld(ThreadStates.holding(f.stepLock, holding, release), holding, take,
                    release)).isEqualTo(Thread.State.WAITING);
            assertThat(f.read()).as("the step went through once let in").isEqualTo(6);
        }
    }
}
