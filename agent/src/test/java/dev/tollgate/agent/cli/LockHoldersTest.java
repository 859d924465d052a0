package dev.tollgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.agent.journal.Journal;

/** Who holds a file's lock, read from the system's lock list rather than by taking the lock. */
class LockHoldersTest {

    @TempDir
    Path dir;

    @Test
    void theLockListGivesTheHolderOfAFileByInodeAndSkipsWaiters() throws IOException {
        Path file = Files.writeString(dir.resolve("export.1.journal"), "x");
        long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
        long dev = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
        String device = String.format("%02x:%02x", LockHolders.major(dev), LockHolders.minor(dev));

        LockHolders locks = LockHolders.parse("""
                1: POSIX  ADVISORY  WRITE 111 fe:00:%d 0 EOF
                1: -> POSIX  ADVISORY  WRITE 222 %s:%d 0 EOF
                2: POSIX  ADVISORY  WRITE 4242 %s:%d 0 EOF
                3: FLOCK  ADVISORY  WRITE 333 %s:%d 0 EOF
                """.formatted(inode + 1, device, inode, device, inode, device, inode + 2));

        assertThat(locks.known()).isTrue();
        assertThat(locks.holder(file)).isEqualTo(4242L);
        assertThat(locks.holder(dir.resolve("absent"))).as("no inode to match").isEqualTo(LockHolders.UNKNOWN);
    }

    @Test
    void aFileNobodyLocksHasNoHolderAndLinesOfAnotherShapeAreIgnored() throws IOException {
        Path file = Files.writeString(dir.resolve("export.2.journal"), "x");

        LockHolders locks = LockHolders.parse("garbage\n\n1: POSIX ADVISORY WRITE notapid fe:00:12 0 EOF\n");

        assertThat(locks.holder(file)).isEqualTo(LockHolders.NONE);
    }

    @Test
    void onLinuxAJournalLockedByThisProcessIsHeldByItsPid() throws IOException {
        Journal j = Journal.create(dir, "export", true);
        try {
            LockHolders locks = LockHolders.read();
            if (Files.isReadable(Path.of("/proc/locks"))) {
                assertThat(locks.holder(j.path())).isEqualTo(ProcessHandle.current().pid());
            } else {
                assertThat(locks.known()).isFalse();
                assertThat(locks.holder(j.path())).isEqualTo(LockHolders.UNKNOWN);
            }
        } finally {
            j.close();
        }
    }

    @Test
    void linuxDeviceNumbersDecodeAsGlibcEncodesThem() {
        assertThat(LockHolders.major(0xfe00L)).isEqualTo(0xfe);
        assertThat(LockHolders.minor(0xfe00L)).isZero();
        assertThat(LockHolders.major(0x0803L)).isEqualTo(8);
        assertThat(LockHolders.minor(0x0803L)).isEqualTo(3);
        long big = (0x123L << 8) | 0x45L | ((0x6700L) << 12);
        assertThat(LockHolders.major(big)).isEqualTo(0x123);
        assertThat(LockHolders.minor(big)).isEqualTo(0x6745);
    }
}
