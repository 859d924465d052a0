package dev.tollgate.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.agent.ThreadStates;

class JournalTest {

    @TempDir
    Path dir;

    @Test
    void unitsAddedInThreadSlotsSumToWhatWasUsedAndSurviveInTheFile() throws Exception {
        Path path;
        try (Journal j = Journal.create(dir, "export", true)) {
            path = j.path();
            Journal.Slot mine = j.claim();
            mine.add(3);
            Thread other = new Thread(() -> {
                Journal.Slot s = j.claim();
                s.add(5);
                s.add(-1);
            });
            other.start();
            other.join();
            mine.add(2);

            assertThat(j.used()).isEqualTo(9);
        }
        try (Journal again = Journal.adopt(path, true)) {
            assertThat(again.used()).as("read from the file by the next process").isEqualTo(9);
        }
    }

    @Test
    void aSlotOfADeadThreadIsTakenOverAndKeepsCounting() throws Exception {
        try (Journal j = Journal.create(dir, "export", true)) {
            AtomicReference<Journal.Slot> first = new AtomicReference<>();
            Thread t = new Thread(() -> {
                Journal.Slot s = j.claim();
                s.add(4);
                first.set(s);
            });
            t.start();
            t.join();

            Journal.Slot reused = j.claim();
            assertThat(reused).isSameAs(first.get());
            reused.add(1);
            assertThat(j.used()).isEqualTo(5);
        }
    }

    @Test
    void releasingEndedThreadsLetsGoOfThemAndTheirSlotsAreReusedWithTheirUnits() throws Exception {
        try (Journal j = Journal.create(dir, "export", true)) {
            Journal.Slot mine = j.claim();
            AtomicReference<Journal.Slot> theirs = new AtomicReference<>();
            Thread t = new Thread(() -> {
                Journal.Slot s = j.claim();
                s.add(4);
                theirs.set(s);
            });
            t.start();
            t.join();

            j.releaseEnded();

            assertThat(theirs.get().owner).as("the ended thread is no longer held").isNull();
            assertThat(mine.owner).as("a live thread keeps its slot").isSameAs(Thread.currentThread());
            Journal.Slot reused = j.claim();
            assertThat(reused).isSameAs(theirs.get());
            reused.add(1);
            assertThat(j.used()).isEqualTo(5);
        }
    }

    @Test
    void whenEverySlotHasALiveOwnerTheSharedSlotIsUsedAndStillCounts() throws Exception {
        try (Journal j = Journal.create(dir, "export", true)) {
            for (int i = 1; i < Journal.SLOTS; i++) {
                j.claim(); // all owned by this (live) thread, as a thread pool of 255 would
            }
            Journal.Slot shared = j.claim();
            Journal.Slot sharedAgain = j.claim();
            assertThat(shared).isSameAs(sharedAgain);
            shared.add(7);
            assertThat(j.used()).isEqualTo(7);
        }
    }

    @Test
    void aLiveJournalCannotBeAdoptedAndAClosedOneCan() throws IOException {
        Journal live = Journal.create(dir, "export", true);
        assertThat(Journal.adopt(live.path(), true)).as("held by this process").isNull();
        live.close();

        try (Journal adopted = Journal.adopt(live.path(), true)) {
            assertThat(adopted).isNotNull();
            assertThat(adopted.id()).isEqualTo(live.id());
        }
    }

    @Test
    void theStateIsReadBackFromTheNewestRecordAndATornNewestFallsBackToTheOlder() throws IOException {
        Path path;
        try (Journal j = Journal.create(dir, "export", true)) {
            path = j.path();
            j.state(j.state().granted(100));
            j.state(j.state().granted(200).pending(JournalState.Op.TAKE, 50, 900));
        }
        try (Journal j = Journal.adopt(path, true)) {
            assertThat(j.state().granted).isEqualTo(200);
            assertThat(j.state().pending).isEqualTo(JournalState.Op.TAKE);
            assertThat(j.state().pendingUnits).isEqualTo(50);
            assertThat(j.state().pendingBefore).isEqualTo(900);
        }
        // The newest record (seq 3, odd) is the second one: damage it.
        flipByte(path, Journal.STATE_AT + Journal.STATE_SIZE + 20);
        try (Journal j = Journal.adopt(path, true)) {
            assertThat(j.state().granted).isEqualTo(100);
            assertThat(j.state().pending).isNull();
        }
    }

    @Test
    void aJournalWithNoReadableStateIsReportedAndLeftAsItIs() throws IOException {
        Path path;
        try (Journal j = Journal.create(dir, "export", true)) {
            path = j.path();
        }
        flipByte(path, Journal.STATE_AT + 10);
        flipByte(path, Journal.STATE_AT + Journal.STATE_SIZE + 10);
        byte[] before = Files.readAllBytes(path);

        assertThatThrownBy(() -> Journal.adopt(path, true)).isInstanceOf(Journal.CorruptException.class)
                .hasMessage("journal " + path + " has no readable state record; it was left as it is");
        assertThat(Files.readAllBytes(path)).isEqualTo(before);
    }

    @Test
    void aJournalOfTheOtherKindOrOfTheWrongSizeIsRefused() throws IOException {
        Path path;
        try (Journal j = Journal.create(dir, "render", false)) {
            path = j.path();
        }
        assertThatThrownBy(() -> Journal.adopt(path, true)).isInstanceOf(Journal.CorruptException.class)
                .hasMessage("journal " + path + " is not a Tollgate credits journal; it was left as it is");

        Path cut = dir.resolve("render.1.journal");
        Files.write(cut, new byte[100]);
        assertThatThrownBy(() -> Journal.adopt(cut, false)).isInstanceOf(Journal.CorruptException.class)
                .hasMessageContaining("is 100 bytes, not " + Journal.SIZE);
    }

    @Test
    void aJournalWhoseProcessDiedBeforeWritingItsHeaderHoldsNothingAndIsDeleted() throws IOException {
        Path empty = Files.createFile(dir.resolve("export.a1.journal")); // killed right after creating the file
        Path zeros = dir.resolve("export.b2.journal"); // killed after mapping it, before its header
        Files.write(zeros, new byte[Journal.SIZE]);

        assertThat(Journal.adopt(empty, true)).isNull();
        assertThat(Journal.adopt(zeros, true)).isNull();
        assertThat(empty).doesNotExist();
        assertThat(zeros).doesNotExist();
    }

    @Test
    void journalsOfACounterAreFoundButNotThoseOfACounterWithALongerName() throws IOException {
        try (Journal a = Journal.create(dir, "pdf", true); Journal b = Journal.create(dir, "pdf", true);
                Journal other = Journal.create(dir, "pdf.merge", true)) {
            List<Path> found = Journal.of(dir, "pdf", a);

            assertThat(found).containsExactly(b.path());
            assertThat(Journal.of(dir, "pdf.merge", null)).containsExactly(other.path());
        }
    }

    @Test
    void aDeletedJournalIsGoneAndReleased() throws IOException {
        Journal j = Journal.create(dir, "export", true);
        j.claim().add(1);
        j.delete();

        assertThat(Files.exists(j.path())).isFalse();
        assertThat(Journal.of(dir, "export", null)).isEmpty();
    }

    private static void flipByte(Path path, int at) throws IOException {
        try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            c.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x10));
            b.rewind();
            c.write(b, at);
        }
    }

    @Test
    void aThreadClaimingItsSlotWhileAnotherDoesIsParkedNotBlockedOnAMonitor() throws Exception {
        try (Journal j = Journal.create(dir, "export", true)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Runnable holder = ThreadStates.holding(j.slotsLock, holding, release);

            assertThat(ThreadStates.waiterWhileHeld(holder, holding, j::claim, release)).isEqualTo(Thread.State.WAITING);
        }
    }

    @Test
    void anAddToTheSharedSlotThatWaitsForAnotherIsParkedNotBlockedOnAMonitor() throws Exception {
        try (Journal j = Journal.create(dir, "export", true)) {
            for (int i = 1; i < Journal.SLOTS; i++) {
                j.claim(); // all owned by this (live) thread
            }
            Journal.Slot shared = j.claim();
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Runnable holder = ThreadStates.holding(shared.sharedLock, holding, release);

            assertThat(ThreadStates.waiterWhileHeld(holder, holding, () -> shared.add(3), release))
                    .isEqualTo(Thread.State.WAITING);
            assertThat(j.used()).isEqualTo(3);
        }
    }
}
