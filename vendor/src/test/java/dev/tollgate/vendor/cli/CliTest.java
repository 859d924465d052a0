package dev.tollgate.vendor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testkit.CryptolensEmulator;
import dev.tollgate.testkit.Endpoint;
import dev.tollgate.testkit.Fault;
import dev.tollgate.testkit.Permission;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: formats, and one clear line for each mistake. */
class CliTest {
    static final String TOKEN = "cli-secret-token";

    @TempDir
    Path dir;

    private final CryptolensEmulator emulator = CryptolensEmulator.start();
    private final Map<String, String> env = new HashMap<>(Map.of("CRYPTOLENS_TOKEN", TOKEN));
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void close() {
        emulator.close();
        assertThat(out() + err()).doesNotContain(TOKEN);
    }

    private int run(String... args) {
        return Cli.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void seeded() {
        emulator.product(3941).key("AAAAA-BBBBB-CCCCC-DDDDD").dataObject("render", 120);
        emulator.product(3941).key("AAAAA-BBBBB-CCCCC-DDDDD").dataObject("export", 40);
        emulator.token(TOKEN, Permission.GET_KEYS, Permission.LIST_DATA_OBJECTS).keyLock(-1);
    }

    @Test
    void usageInJsonIsAnArrayOfObjectsWithNumbers() {
        seeded();
        assertThat(run("usage", "--url", emulator.url(), "--product", "3941", "--format", "json", "--feature", "render"))
                .isZero();
        assertThat(out().replaceAll("\\s", "")).isEqualTo("[{\"key\":\"AAAAA-BBBBB-CCCCC-DDDDD\",\"feature\":\"render\",\"value\":120}]");
    }

    @Test
    void usageAsATableAlignsColumns() {
        seeded();
        assertThat(run("usage", "--url", emulator.url(), "--product", "3941")).isZero();
        assertThat(out().lines().toList()).containsExactly(
                "key                      feature  value",
                "AAAAA-BBBBB-CCCCC-DDDDD  render     120",
                "AAAAA-BBBBB-CCCCC-DDDDD  export      40");
    }

    @Test
    void aDryRunShowsTheStatementAndChangesNothing() {
        seeded();
        assertThat(run("close", "--url", emulator.url(), "--product", "3941", "--period", "2026-11", "--feature", "render",
                "--reset", "--dry-run", "--format", "csv")).isZero();
        assertThat(out()).isEqualTo("key,feature,read,billed,mode,status\nAAAAA-BBBBB-CCCCC-DDDDD,render,120,120,reset,dry run\n");
        assertThat(err()).startsWith("dry run of 2026-11 for product 3941: 1 rows, 120 units billed");
        assertThat(emulator.value(3941, "AAAAA-BBBBB-CCCCC-DDDDD", "render")).isEqualTo(120);
        assertThat(emulator.product(3941).key("AAAAA-BBBBB-CCCCC-DDDDD").dataObjects()).hasSize(2);
    }

    @Test
    void aTokenFileThatIsEmptyIsOneLine() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "\n");
        assertThat(run("usage", "--product", "1", "--token-file", file.toString())).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate-vendor: --token-file " + file + " is empty\n");
    }

    @Test
    void aTokenFileThatIsMissingIsOneLine() {
        Path file = dir.resolve("nope");
        assertThat(run("usage", "--product", "1", "--token-file", file.toString())).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate-vendor: --token-file " + file + ": no such file\n");
    }

    @Test
    void plainHttpToAnotherHostIsRefusedUnlessAllowed() {
        assertThat(run("usage", "--product", "1", "--url", "http://10.1.2.3:8080")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate-vendor: --url http://10.1.2.3:8080 is plain http to 10.1.2.3: the token "
                + "would travel unencrypted; use https, or --allow-http if you mean it\n");
    }

    @Test
    void aMistypedOptionIsNamedButItsValueIsNotEchoed() {
        assertThat(run("usage", "--product", "1", "--tokn=" + TOKEN)).isEqualTo(2);
        assertThat(err().lines().toList()).containsExactly("tollgate-vendor: unknown option or argument: --tokn",
                "Run 'java -jar tollgate-vendor.jar usage --help' for usage.");
    }

    @Test
    void aTokenAsAnArgumentIsRefused() {
        assertThat(run("usage", "--product", "1", "--token=" + TOKEN)).isEqualTo(2);
        assertThat(err()).isEqualTo("tollgate-vendor: a token is never given as an argument: set CRYPTOLENS_TOKEN or use "
                + "--token-file FILE\n");
    }

    @Test
    void aStrayValueIsNotEchoed() {
        assertThat(run("usage", "--product", "1", TOKEN)).isEqualTo(2);
        assertThat(err()).startsWith("tollgate-vendor: unknown option or argument: (a value, not shown)\n");
    }

    @Test
    void aMalformedPeriodIsOneLine() {
        assertThat(run("close", "--product", "1", "--period", "2026-13", "--feature", "render", "--reset", "--out", "x"))
                .isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate-vendor: --period: a period is written YYYY-MM, e.g. 2026-11, not: 2026-13\n");
    }

    @Test
    void aCloseNeedsResetOrCarry() {
        assertThat(run("close", "--product", "1", "--period", "2026-11", "--feature", "render", "--out", "x")).isEqualTo(2);
        assertThat(err()).startsWith("tollgate-vendor: Error: Missing required argument (specify one of these): (--reset | --carry)");
    }

    @Test
    void aCloseWithoutOutNeedsDryRun() {
        assertThat(run("close", "--product", "1", "--period", "2026-11", "--feature", "render", "--carry")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate-vendor: --out DIR is required (or --dry-run to only show the statement)\n");
    }

    @Test
    void topupUnitsAndOrderIdsAreChecked() {
        assertThat(run("topup", "--product", "1", "--key", "K", "--feature", "export", "--units", "0", "--order", "A"))
                .isEqualTo(1);
        assertThat(run("topup", "--product", "1", "--key", "K", "--feature", "export", "--units", "5", "--order", "a b"))
                .isEqualTo(1);
        assertThat(err().lines().toList()).containsExactly(
                "tollgate-vendor: --units must be from 1 to 536870911, not 0",
                "tollgate-vendor: --order must be 1 to 64 letters, digits, '.', '_' or '-', not: a b");
    }

    @Test
    void aFeatureNamedLikeARecordIsRefused() {
        assertThat(run("close", "--product", "1", "--period", "2026-11", "--feature", "tollgate.close.x", "--carry",
                "--dry-run")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate-vendor: --feature tollgate.close.x is not a usage counter's name\n");
    }

    @Test
    void noCommandSaysWhichThereAre() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).isEqualTo("tollgate-vendor: name a command: usage, close or topup (--help lists them)\n");
    }

    @Test
    void theProgressBarDrawsOneRewrittenLineOnStderrForManyKeys() {
        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(bar, true, StandardCharsets.UTF_8), true, "close 2026-11");
        progress.total(100);
        for (int i = 0; i < 100; i++) {
            progress.keyDone();
        }
        progress.finish();
        String text = bar.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("\rclose 2026-11 [").endsWith("] 100/100 keys\n");
        assertThat(text.split("\r")).hasSize(101);
        assertThat(List.of(Progress.wanted(true), Progress.wanted(false))).containsExactly(true, false);
    }

    @Test
    void theProgressBarStaysQuietForFewKeysOrWhenOff() {
        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        Progress few = new Progress(new PrintStream(bar, true, StandardCharsets.UTF_8), true, "usage");
        few.total(3);
        few.keyDone();
        few.finish();
        Progress off = new Progress(new PrintStream(bar, true, StandardCharsets.UTF_8), false, "usage");
        off.total(500);
        off.keyDone();
        off.finish();
        assertThat(bar.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aCloseStoppedHalfWaySaysWhatItFinishedAndThatARerunIsSafe() {
        for (int i = 1; i <= 3; i++) {
            emulator.product(3941).key("K" + i).dataObject("render", i);
        }
        emulator.token(TOKEN, Permission.GET_KEYS, Permission.LIST_DATA_OBJECTS, Permission.ADD_DATA_OBJECT).keyLock(-1);
        emulator.failNext(Endpoint.ADD_DATA_OBJECT_TO_KEY, 1, Fault.latency(Duration.ZERO));
        emulator.failAlways(Endpoint.ADD_DATA_OBJECT_TO_KEY, Fault.serverError());

        assertThat(run("close", "--url", emulator.url(), "--product", "3941", "--period", "2026-11", "--feature", "render",
                "--carry", "--out", dir.resolve("st").toString())).isEqualTo(1);

        assertThat(err()).isEqualTo("tollgate-vendor: stopped after 1 of 3 keys: data/AddDataObjectToKey: HTTP 503 from "
                + "the service; gave up after several tries with backoff; the keys finished are closed, and running the same "
                + "command again finishes the rest without billing anything twice\n");
        assertThat(out()).isEmpty();
        assertThat(dir.resolve("st")).doesNotExist();
    }

    @Test
    void eachCommandHasItsOwnHelp() {
        assertThat(run("close", "--help")).isZero();
        assertThat(out()).startsWith("Usage: tollgate-vendor close ").contains("--reset", "--carry", "--dry-run", "--token-file");
        assertThat(err()).isEmpty();
    }

    @Test
    void recordsSealedWithAnotherSecretAreNotBelieved() {
        emulator.product(3941).key("K1").dataObject("render", 7);
        emulator.token(TOKEN, Permission.GET_KEYS, Permission.LIST_DATA_OBJECTS, Permission.ADD_DATA_OBJECT).keyLock(-1);
        String[] close = {"close", "--url", emulator.url(), "--product", "3941", "--period", "2026-11", "--feature",
                "render", "--carry", "--out", dir.resolve("st").toString()};
        env.put("TOLLGATE_RECORD_SECRET", "first-secret");
        assertThat(run(close)).isZero();

        env.put("TOLLGATE_RECORD_SECRET", "another-secret");
        err.reset();
        assertThat(run(close)).isEqualTo(1);
        assertThat(err().lines().toList()).contains("tollgate-vendor: not closed: key K1, render: "
                + "tollgate.close.render.202611 does not carry this vendor's seal (added by someone else, or sealed with "
                + "another token or TOLLGATE_RECORD_SECRET)");
    }

    @Test
    void aTopupWithATokenThatMayNotDecrementChangesNothing() {
        emulator.product(3941).key("K1").dataObject("export", 7);
        emulator.token(TOKEN, Permission.LIST_DATA_OBJECTS, Permission.ADD_DATA_OBJECT, Permission.INCREMENT_INT_VALUE,
                Permission.SET_INT_VALUE).keyLock(-1);
        assertThat(run("topup", "--url", emulator.url(), "--product", "3941", "--key", "K1", "--feature", "export",
                "--units", "5", "--order", "A-1")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate-vendor: the token may not call data/DecrementIntValueToKey (Access denied.): "
                + "it needs the DecrementIntValue permission, and a product lock of 0 or 3941; run the same command again "
                + "once fixed: the order is applied once\n");
        assertThat(emulator.product(3941).key("K1").dataObjects()).hasSize(1);
        assertThat(emulator.value(3941, "K1", "export")).isEqualTo(7);
    }
}
