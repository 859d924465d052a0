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
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
            CounterFile.Step first = f.take(3, 0);
            CounterFile.Step second = f.take(1, 0);

            assertThat(first.applied).isTrue();
            assertThat(first.value).isZero();
            assertThat(second.applied).isFalse();
            assertThat(second.value).isZero();
        }
    }

    @Test
    void anAddUpToTheCapIsAppliedAndTheNextIsRefusedWithTheCurrentValue() throws IOException {
        try (CounterFile f = new CounterFile(file(), 0)) {
            CounterFile.Step first = f.add(5, 5);
            CounterFile.Step second = f.add(1, 5);

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
            CounterFile.Step wraps = credits.take(Long.MAX_VALUE, Long.MIN_VALUE);
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

            assertThat(one).hasSize(CounterFile.REGION + 32);
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
        ByteBuffer slot = ByteBuffer.allocate(CounterFile.SLOT);
        slot.putInt(0x54474331).putLong(1).putLong(42).putLong(9);
        CRC32 crc = new CRC32();
        crc.update(slot.array(), 0, CounterFile.SLOT - 4);
        slot.putInt((int) crc.getValue());
        Files.write(file(), slot.array());

        try (CounterFile f = new CounterFile(file(), 0)) {
            assertThat(f.read()).isEqualTo(42);
            assertThatThrownBy(() -> f.add(1, NO_CAP)).isInstanceOf(CounterFile.CorruptException.class)
                    .hasMessageContaining("holds a unknown counter");
        }
    }

    /** {seq, value, kind} of the record in region {@code index}, checking its magic. */
    static long[] slot(byte[] file, int index) {
        ByteBuffer b = ByteBuffer.wrap(file, index * CounterFile.REGION, 32).slice();
        assertThat(new String(file, index * CounterFile.REGION, 4, StandardCharsets.US_ASCII)).isEqualTo("TGC2");
        return new long[] {b.getLong(4), b.getLong(12), b.getInt(20)};
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(size);
        }
    }
}
