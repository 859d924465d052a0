package dev.tollgate.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmulatorBackendTest {

    @TempDir
    Path dir;

    @Test
    void beforeEachForkTheCountersGoBackToWhereTheyStartedTheJournalIsEmptiedAndWhatMovedIsAddedUp() throws IOException {
        try (EmulatorBackend emulator = new EmulatorBackend(dir)) {
            assertThat(emulator.key().value("bench_leasedDefault")).isEqualTo(Integer.MAX_VALUE);
            emulator.key().dataObject("bench_leasedDefault", Integer.MAX_VALUE - 300);
            emulator.key().dataObject("bench_batchedDefault", 40);
            Files.writeString(dir.resolve("journal").resolve("left-by-the-last-fork"), "x");

            emulator.beforeFork();
            emulator.key().dataObject("bench_leasedDefault", Integer.MAX_VALUE - 5);

            assertThat(emulator.key().value("bench_batchedDefault")).isZero();
            assertThat(dir.resolve("journal")).isEmptyDirectory();
            assertThat(emulator.moved()).contains(" bench_leasedDefault 305,").contains(" bench_batchedDefault 40,")
                    .contains(" bench_strict 0,").endsWith(" bare 0");
        }
    }

    @Test
    void theForksGetTheEndpointAndTheTokenOnlyAsTheNameOfAFile() throws IOException {
        try (EmulatorBackend emulator = new EmulatorBackend(dir)) {
            String token = Files.readString(dir.resolve("token"));

            assertThat(emulator.forkProperties())
                    .contains("-D" + StrictLoopbackBenchmark.URL + "=" + emulator.url())
                    .contains("-D" + StrictLoopbackBenchmark.TOKEN_FILE + "=" + dir.resolve("token"))
                    .noneMatch(arg -> arg.contains(token));
        }
    }
}
