package dev.tollgate.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.ConfigLoader;
import dev.tollgate.agent.config.Feature;
import dev.tollgate.agent.config.Sync;

/**
 * The configs RunBenchmarks writes, read by the agent's own loader: the default rows must measure a feature
 * as a vendor ships it (the strategy the backend's default gives, the default {@code block}), the tuned rows
 * the strategy their names say.
 */
class GeneratedConfigTest {

    @TempDir
    Path dir;

    private Config load(Path config) {
        return new ConfigLoader(Map.of(), dir.resolve("home").toString()).load(config.toString(), null, dir);
    }

    @Test
    void onTheLocalLedgerTheDefaultFeaturesSayOnlyTheirModeAndGetLeasedAndBatchedWithTheDefaultBlock() throws IOException {
        Path config = RunBenchmarks.writeLocalConfig(dir);

        assertThat(Files.readString(config))
                .contains("  bench_leasedDefault: { mode: credits }\n")
                .contains("  bench_batchedDefault: { mode: usage }\n")
                .contains("    bench_leasedDefault: " + Integer.MAX_VALUE + "\n");
        Config loaded = load(config);
        assertThat(loaded.problems()).isEmpty();
        Feature leased = loaded.features().get("bench_leasedDefault");
        assertThat(leased.sync().strategy()).isEqualTo(Sync.Strategy.LEASED);
        assertThat(leased.sync().block()).isEqualTo(Sync.DEFAULT_BLOCK);
        assertThat(loaded.features().get("bench_batchedDefault").sync().strategy()).isEqualTo(Sync.Strategy.BATCHED);
        assertThat(loaded.features().get("bench_batchedDefault").bound()).isNull();
    }

    @Test
    void onCryptolensTheDefaultFeaturesSayTheirSyncBecauseTheDefaultThereIsStrictAndNothingElse() throws IOException {
        try (EmulatorBackend emulator = new EmulatorBackend(dir)) {
            assertThat(Files.readString(emulator.config()))
                    .contains("  bench_leasedDefault: { mode: credits, sync: leased }\n")
                    .contains("  bench_batchedDefault: { mode: usage, sync: batched }\n")
                    .contains("journal:\n  dir: " + dir.resolve("journal") + "\n");
            Config loaded = load(emulator.config());
            assertThat(loaded.problems()).isEmpty();
            assertThat(loaded.backend()).isEqualTo(Config.BackendKind.CRYPTOLENS);
            Feature leased = loaded.features().get("bench_leasedDefault");
            assertThat(leased.sync().strategy()).isEqualTo(Sync.Strategy.LEASED);
            assertThat(leased.sync().block()).isEqualTo(Sync.DEFAULT_BLOCK);
            assertThat(loaded.features().get("bench_batchedDefault").sync().strategy()).isEqualTo(Sync.Strategy.BATCHED);
            assertThat(loaded.features().get("bench_strict").sync().strategy()).isEqualTo(Sync.Strategy.STRICT);
        }
    }

    @Test
    void beforeEachLocalForkTheLedgerAndItsWitnessUnderTheForksHomeAreGoneAsOnAFirstInstall() throws IOException {
        Path config = RunBenchmarks.writeLocalConfig(dir);
        Path ledger = load(config).ledgerDir();
        Files.createDirectories(ledger.resolve("journal"));
        Files.writeString(ledger.resolve("bench_leasedDefault.counter"), "x");
        Path witness = Files.createDirectories(dir.resolve("home").resolve(".tollgate").resolve("witness").resolve("0123"));

        RunBenchmarks.freshLedger(dir);

        assertThat(ledger).isEqualTo(dir.resolve("ledger")).doesNotExist();
        assertThat(witness).doesNotExist();
        assertThat(config).exists();
        RunBenchmarks.freshLedger(dir); // and again, with nothing left to remove
    }

    @Test
    void aTunedFeatureSaysItsStrategyOnEveryBackend() {
        RunBenchmarks.Feature leased = RunBenchmarks.FEATURES.stream()
                .filter(f -> f.name().equals("bench_leased")).findFirst().orElseThrow();

        assertThat(leased.yaml("local")).isEqualTo("  bench_leased: { mode: credits, sync: leased, block: 1000000 }\n");
        assertThat(leased.yaml("cryptolens")).isEqualTo(leased.yaml("local"));
    }
}
