package dev.tollgate.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private static final String HEADER = "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\"\n";
    private static final String PREFIX = "\"dev.tollgate.benchmarks.";

    @TempDir
    Path dir;

    private String emulatorRun() throws IOException {
        return Files.writeString(dir.resolve("emulator.csv"), HEADER
                + PREFIX + "CryptolensDefaultsBenchmark.baseline_atomicBoundedDecrement\",\"avgt\",1,3,3.0,0.1,\"ns/op\"\n"
                + PREFIX + "CryptolensDefaultsBenchmark.peer_longAdderIncrement\",\"avgt\",1,3,2.5,0.1,\"ns/op\"\n"
                + PREFIX + "CryptolensDefaultsBenchmark.tollgate_batchedDefault\",\"avgt\",1,3,9.0,0.2,\"ns/op\"\n"
                + PREFIX + "CryptolensDefaultsBenchmark.tollgate_leasedDefault\",\"avgt\",1,3,13.5,0.2,\"ns/op\"\n"
                + PREFIX + "CryptolensDefaultsBenchmark.tollgate_leasedDefault:gc.alloc.rate.norm\",\"avgt\",1,3,0.001,0.0,\"B/op\"\n")
                .toString();
    }

    @Test
    void withDefaultsAUsageRowIsMeasuredAgainstLongAdderAndACreditsRowAgainstTheAtomicLongOfTheSameRun() throws IOException {
        String tables = Report.tables(true, null, List.of(emulatorRun()));

        assertThat(tables)
                .contains("### CryptolensDefaultsBenchmark (Cryptolens emulator on loopback), 1 thread")
                .contains("| benchmark | ns/op | error (99.9%) | yardstick (same run) | x yardstick |")
                .contains("| tollgate_batchedDefault | 9.00 | ± 0.20 | LongAdder.increment | 3.60x | 3.38–3.83x |  | ≤ 4.00x: met |")
                .contains("| tollgate_leasedDefault | 13.5 | ± 0.20 | AtomicLong bounded decrement | 4.50x | 4.29–4.72x | ≈ 0"
                        + " | ≤ 4.00x: not met |")
                .contains("| peer_longAdderIncrement | 2.50 | ± 0.10 |  |  |  |  |  |");
    }

    @Test
    void withoutDefaultsEveryRowOfAClassIsMeasuredAgainstTheClassYardstick() throws IOException {
        Path local = Files.writeString(dir.resolve("local.csv"), HEADER
                + PREFIX + "CallCostBenchmark.baseline_atomicBoundedDecrement\",\"avgt\",1,3,3.0,0.1,\"ns/op\"\n"
                + PREFIX + "CallCostBenchmark.tollgate_batchedDefault\",\"avgt\",1,3,9.0,0.2,\"ns/op\"\n");

        assertThat(Report.tables(false, null, List.of(local.toString())))
                .contains("### CallCostBenchmark (local ledger), 1 thread")
                .contains("| tollgate_batchedDefault | 9.00 | ± 0.20 | 3.00x | 2.84–3.17x |  | ≤ 2.00x, 0 B/op: not met |");
    }

    @Test
    void theRequestsTableGivesTheMeasurementsRequestsPerSecondAndTheCallsOneRequestServed() throws IOException {
        Path requests = Files.writeString(dir.resolve("requests.csv"), ForkWatch.CSV_HEADER + "\n"
                + PREFIX + "CryptolensDefaultsBenchmark.baseline_atomicBoundedDecrement\",1,0,4.000,0,10.000\n"
                + PREFIX + "CryptolensDefaultsBenchmark.tollgate_leasedDefault\",1,400,4.000,1000,20.000\n"
                + PREFIX + "CryptolensDefaultsBenchmark.tollgate_batchedDefault\",1,0,4.000,2,20.000\n");

        String tables = Report.tables(true, requests, List.of(emulatorRun()));

        assertThat(tables.substring(tables.indexOf("### Requests to the emulator")))
                .contains("| CryptolensDefaultsBenchmark.tollgate_leasedDefault | 1 | 74,074,074 | 100 | 740,741 | 400 | 4.0 | 50.0 |")
                .contains("| CryptolensDefaultsBenchmark.tollgate_batchedDefault | 1 | 111,111,111 | 0.0 | no request | 0 | 4.0 | 0.1 |")
                .doesNotContain("baseline_atomicBoundedDecrement");
    }

    @Test
    void aScoreInAnotherUnitThanTimePerCallIsRefusedByName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Requests.seconds(5, "ops/s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an average time per call: ops/s");
    }
}
