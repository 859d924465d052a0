package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code java -jar tollgate-agent.jar status} on the packaged jar, beside products that ran or still run. */
class StatusIT {

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    private static ForkedJvm.Result status(ForkedJvm.Jdk jdk, Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("-jar", ForkedJvm.agentJar().toString(), "status"));
        command.addAll(List.of(args));
        return ForkedJvm.java(jdk, dir, env, command.toArray(new String[0]));
    }

    private static JsonNode json(ForkedJvm.Result r) {
        try {
            return new ObjectMapper().readTree(r.out());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON:\n" + r, e);
        }
    }

    private static void localConfig(Path dir, int credits) {
        ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  credits:
                    export: %d
                features:
                  export: { mode: credits }
                  usage:  { mode: usage, bound: 10 }
                """.formatted(credits));
    }

    @Test
    void afterAProductRanOnTheLocalLedgerStatusShowsItsBalancesAsTextAndAsJson(@TempDir Path dir) {
        ForkedJvm.Jdk jdk = ForkedJvm.jdks().get(0);
        localConfig(dir, 5);
        ForkedJvm.Result product = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "export=2", "usage=3");
        assertThat(product.fields("export")).as(product.toString()).containsEntry("returned", "2");

        ForkedJvm.Result text = status(jdk, dir, Map.of(), "tollgate.yml");

        assertThat(text.exit()).as(text.toString()).isZero();
        assertThat(text.out()).contains("tollgate status: tollgate.yml\n")
                .contains("export: credits, leased\n  balance      3 credits left\n  unconfirmed  none\n"
                        + "  leases       none held by a running process\n  last sync    ")
                .contains("usage: usage, batched\n  balance      3 units used of a cap of 10\n");
        assertThat(text.err()).isEmpty();

        ForkedJvm.Result json = status(jdk, dir, Map.of(), "--json", "tollgate.yml");

        assertThat(json.exit()).as(json.toString()).isZero();
        JsonNode root = json(json);
        assertThat(root.get("backend").asText()).isEqualTo("local");
        assertThat(root.get("ledger").asText()).isEqualTo(dir.resolve("ledger").toString());
        JsonNode export = root.get("features").get(0);
        assertThat(export.get("name").asText()).isEqualTo("export");
        assertThat(export.get("mode").asText()).isEqualTo("credits");
        assertThat(export.get("creditsLeft").asLong()).isEqualTo(3);
        assertThat(export.get("unconfirmed").asLong()).isZero();
        assertThat(export.get("journals")).isEmpty();
        assertThat(export.get("lastSync").isTextual()).isTrue();
        JsonNode usage = root.get("features").get(1);
        assertThat(usage.get("used").asLong()).isEqualTo(3);
        assertThat(usage.get("cap").asLong()).isEqualTo(10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aRunningProductsLeaseShowsWithItsPidAndTheProductGoesOnUndisturbed(ForkedJvm.Jdk jdk, @TempDir Path dir)
            throws IOException {
        localConfig(dir, 1000);
        List<JsonNode> seen = new ArrayList<>();
        List<ForkedJvm.Result> runs = new ArrayList<>();

        ForkedJvm.Result product = ForkedJvm.scenarios(jdk, dir, Map.of(), "tollgate.yml", List.of(() -> {
            ForkedJvm.Result r = status(jdk, dir, Map.of(), "tollgate.yml", "--json");
            runs.add(r);
            assertThat(r.exit()).as(r.toString()).isZero();
            seen.add(json(r));
        }), "export=2", "pause", "export=3", "balance");

        assertThat(product.exit()).as(product.toString()).isZero();
        JsonNode export = seen.get(0).get("features").get(0);
        // The first lease: 100 wanted, but at most a sixteenth of the 1,000 free (63); 2 of them spent.
        assertThat(export.get("creditsLeft").asLong()).as(runs.get(0).out()).isEqualTo(998);
        assertThat(export.get("heldByRunningProcesses").asLong()).as(runs.get(0).out()).isEqualTo(61);
        JsonNode journal = export.get("journals").get(0);
        assertThat(journal.get("running").asBoolean()).as(runs.get(0).out()).isTrue();
        assertThat(journal.get("pid").asLong()).isPositive().isNotEqualTo(ProcessHandle.current().pid());
        assertThat(journal.get("used").asLong()).isEqualTo(2);
        // The product was never kept waiting, and after the status it spent and settled as before.
        assertThat(product.all("export")).as(product.toString()).extracting(f -> f.get("returned"))
                .containsExactly("2", "3");
        assertThat(product.line("balance")).isEqualTo("export=995 active=true");
        assertThat(product.agentLines()).as(product.toString())
                .noneMatch(l -> l.contains("'export'") || l.contains("journal") || l.contains("ledger file"));

        ForkedJvm.Result after = status(jdk, dir, Map.of(), "tollgate.yml");
        assertThat(after.out()).as(after.toString()).contains("  balance      995 credits left\n  unconfirmed  none\n"
                + "  leases       none held by a running process\n");
        assertThat(Files.list(dir.resolve("ledger").resolve("journal"))).as("settled at exit").isEmpty();
    }

    @Test
    void aMissingLedgerFolderAndAFolderThatIsNotALedgerAreOneLineAndExitOne(@TempDir Path dir) throws IOException {
        ForkedJvm.Jdk jdk = ForkedJvm.jdks().get(0);
        localConfig(dir, 5);

        ForkedJvm.Result missing = status(jdk, dir, Map.of(), "tollgate.yml");

        assertThat(missing.exit()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).isEqualTo("tollgate status: no ledger at " + dir.resolve("ledger")
                + " (local.dir of tollgate.yml): nothing has been metered with this config yet, or local.dir names"
                + " another folder\n");

        Files.createDirectories(dir.resolve("ledger"));
        Files.writeString(dir.resolve("ledger").resolve("holiday.jpg"), "not a counter");
        ForkedJvm.Result foreign = status(jdk, dir, Map.of(), "tollgate.yml", "--json");

        assertThat(foreign.exit()).as(foreign.toString()).isEqualTo(1);
        assertThat(foreign.out()).isEmpty();
        assertThat(foreign.err()).isEqualTo("tollgate status: " + dir.resolve("ledger") + " (local.dir of tollgate.yml)"
                + " is not a Tollgate ledger: it holds 1 entry and no counter (*.counter) or journal\n");

        ForkedJvm.Result noConfig = status(jdk, dir.resolve("ledger"), Map.of());
        assertThat(noConfig.exit()).isEqualTo(1);
        assertThat(noConfig.err()).startsWith("tollgate status: no config: name it (status <config.yml>)");
    }

    @Test
    void onCryptolensItReadsTheKeysDataObjectsWithTheConfiguredTokenAndNeverPrintsIt(@TempDir Path dir)
            throws Exception {
        ForkedJvm.Jdk jdk = ForkedJvm.jdks().get(0);
        Process emulator = CryptolensIT.startStandalone("--data", "export=3", "--data", "renders=7");
        try {
            String url = CryptolensIT.listeningUrl(emulator);
            ForkedJvm.write(dir, "tollgate.yml", CryptolensIT.config(url, "", """
                    export: { mode: credits }
                    render: { mode: usage, dataObject: renders, bound: 10 }
                    """));
            ForkedJvm.Result product = ForkedJvm.scenarios(jdk, dir, CryptolensIT.ENV, "tollgate.yml", "export=1");
            assertThat(product.fields("export")).as(product.toString()).containsEntry("returned", "1");

            ForkedJvm.Result text = status(jdk, dir, CryptolensIT.ENV, "tollgate.yml");
            ForkedJvm.Result json = status(jdk, dir, CryptolensIT.ENV, "tollgate.yml", "--json");

            assertThat(text.exit()).as(text.toString()).isZero();
            assertThat(text.out()).contains("backend: cryptolens at " + url + ", product 3941; journals in ")
                    .contains("export: credits, strict\n  balance      2 credits left\n")
                    .contains("render: usage, strict (counter renders)\n  balance      7 units used of a cap of 10\n");
            assertThat(json.exit()).as(json.toString()).isZero();
            JsonNode root = json(json);
            assertThat(root.get("backend").asText()).isEqualTo("cryptolens");
            assertThat(root.get("features").get(0).get("creditsLeft").asLong()).isEqualTo(2);
            assertThat(root.get("features").get(1).get("used").asLong()).isEqualTo(7);
            for (ForkedJvm.Result r : List.of(text, json)) {
                assertThat(r.out() + r.err()).doesNotContain(CryptolensIT.TOKEN);
            }

            String wrong = "wrong-" + CryptolensIT.TOKEN;
            ForkedJvm.Result refused = status(jdk, dir, Map.of("CRYPTOLENS_TOKEN", wrong), "tollgate.yml");

            assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.out()).contains("  error        the backend did not answer: ");
            assertThat(refused.out() + refused.err()).doesNotContain(wrong).doesNotContain(CryptolensIT.TOKEN);
        } finally {
            CryptolensIT.stop(emulator);
        }
    }
}
