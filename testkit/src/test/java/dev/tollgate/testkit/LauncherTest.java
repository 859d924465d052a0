package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The launcher in-process, through the same start method its main uses. */
class LauncherTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Launcher.Started start(String... args) {
        return Launcher.start(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void startsSeedsAndPrintsExactlyOneParsableLine() throws IOException {
        Launcher.Started started = start("--port", "0", "--token", "s3cret", "--product-id", "3941",
                "--key", "AAAAA-BBBBB-CCCCC-DDDDD", "--data", "export=3", "--data", "chart=-2");
        try (CryptolensEmulator emulator = started.emulator) {
            assertThat(started.exitCode).isZero();
            assertThat(out()).isEqualTo("Cryptolens emulator listening on " + emulator.url() + System.lineSeparator());
            assertThat(out()).matches("Cryptolens emulator listening on http://127\\.0\\.0\\.1:\\d+\\R");
            assertThat(err()).isEmpty();
            assertThat(emulator.value(3941, "AAAAA-BBBBB-CCCCC-DDDDD", "export")).isEqualTo(3);
            assertThat(emulator.value(3941, "AAAAA-BBBBB-CCCCC-DDDDD", "chart")).isEqualTo(-2);

            Client client = new Client(emulator.url());
            client.post("/api/data/DecrementIntValueToKey", "token", "s3cret", "ProductId", "3941",
                    "Key", "AAAAA-BBBBB-CCCCC-DDDDD", "Name", "export", "IntValue", "1", "EnableBound", "true", "Bound", "0").ok();
            client.post("/api/data/IncrementIntValueToKey", "token", "s3cret", "ProductId", "3941",
                    "Key", "AAAAA-BBBBB-CCCCC-DDDDD", "Name", "chart", "IntValue", "1").ok();
            assertThat(emulator.value(3941, "AAAAA-BBBBB-CCCCC-DDDDD", "export")).isEqualTo(2);
            assertThat(emulator.value(3941, "AAAAA-BBBBB-CCCCC-DDDDD", "chart")).isEqualTo(-1);
        }
    }

    @Test
    void theTokenHasKeyLockMinusOne() throws IOException {
        Launcher.Started started = start("--port=0", "--token=T", "--product-id=1", "--key=K", "--data=credits=5");
        try (CryptolensEmulator emulator = started.emulator) {
            DataObject credits = emulator.product(1).key("K").find("credits").orElseThrow();

            Client.Reply byId = new Client(emulator.url()).post("/api/data/DecrementIntValue", "token", "T",
                    "Id", String.valueOf(credits.id()), "IntValue", "1");

            assertThat(byId.error()).isEqualTo("Not enough permission and/or key not found.");
            new Client(emulator.url()).post("/api/auth/KeyLock", "token", "T", "ProductId", "1", "Key", "K").ok();
        }
    }

    @Test
    void neverPrintsTheToken() {
        Launcher.Started started = start("--port", "0", "--token", "very-secret-token", "--product-id", "1", "--key", "K");
        started.emulator.close();

        assertThat(out() + err()).doesNotContain("very-secret-token");
    }

    @Test
    void helpPrintsUsageToStdoutAndExitsZero() {
        Launcher.Started started = start("--help");

        assertThat(started.emulator).isNull();
        assertThat(started.exitCode).isZero();
        assertThat(out()).startsWith("Usage: java -jar tollgate-testkit.jar");
        assertThat(err()).isEmpty();
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                bad("--key is required", "--token", "T", "--product-id", "1"),
                bad("--product-id is required", "--token", "T", "--key", "K"),
                bad("--token is required", "--product-id", "1", "--key", "K"),
                bad("--port needs a value", "--token", "T", "--product-id", "1", "--key", "K", "--port"),
                bad("--port wants a number from 0 to 65535, not: abc", "--token", "T", "--product-id", "1", "--key", "K", "--port", "abc"),
                bad("--port wants a number from 0 to 65535, not: 65536", "--token", "T", "--product-id", "1", "--key", "K", "--port", "65536"),
                bad("--port wants a number from 0 to 65535, not: -1", "--token", "T", "--product-id", "1", "--key", "K", "--port", "-1"),
                bad("--product-id wants an int32 number, not: x", "--token", "T", "--product-id", "x", "--key", "K"),
                bad("--product-id wants an int32 number, not: 2147483648", "--token", "T", "--product-id", "2147483648", "--key", "K"),
                bad("--data wants NAME=VALUE, not: export", "--token", "T", "--product-id", "1", "--key", "K", "--data", "export"),
                bad("--data wants NAME=VALUE, not: =3", "--token", "T", "--product-id", "1", "--key", "K", "--data", "=3"),
                bad("--data wants NAME=VALUE, not:  =3", "--token", "T", "--product-id", "1", "--key", "K", "--data", " =3"),
                bad("--data export wants an int32 number, not: x", "--token", "T", "--product-id", "1", "--key", "K", "--data", "export=x"),
                bad("--data a given twice", "--token", "T", "--product-id", "1", "--key", "K", "--data", "a=1", "--data", "a=2"),
                bad("--token given twice", "--token", "T", "--token", "U", "--product-id", "1", "--key", "K"),
                bad("unknown flag: --verbose", "--token", "T", "--product-id", "1", "--key", "K", "--verbose"),
                bad("unknown flag: --tokn", "--token", "T", "--product-id", "1", "--key", "K", "--tokn=secret"),
                bad("argument 7 is a value without a --flag before it", "--token", "T", "--product-id", "1", "--key", "K", "stray-secret"),
                bad("--token must not be empty", "--token", " ", "--product-id", "1", "--key", "K"),
                bad("--key must not be empty", "--token", "T", "--product-id", "1", "--key", ""));
    }

    private static Arguments bad(String message, String... args) {
        return Arguments.of(String.join(" ", args), message, args);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badArguments")
    void badArgumentsGiveOneLineUsageAndExitCodeTwo(String shown, String message, String[] args) {
        Launcher.Started started = start(args);

        assertThat(started.emulator).isNull();
        assertThat(started.exitCode).isEqualTo(2);
        assertThat(out()).isEmpty();
        String[] lines = err().split("\\R");
        assertThat(lines[0]).isEqualTo("tollgate-testkit: " + message);
        assertThat(lines[1]).startsWith("Usage: java -jar tollgate-testkit.jar");
        assertThat(err()).doesNotContain("secret");
    }

    @Test
    void noArgumentsAtAllIsAUsageError() {
        Launcher.Started started = start();

        assertThat(started.exitCode).isEqualTo(2);
        assertThat(err()).startsWith("tollgate-testkit: --token is required");
    }

    @Test
    void aTakenPortIsOneLineOnStderrAndExitCodeOne() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Launcher.Started started = start("--port", String.valueOf(taken.getLocalPort()), "--token", "T",
                    "--product-id", "1", "--key", "K");

            assertThat(started.emulator).isNull();
            assertThat(started.exitCode).isEqualTo(1);
            assertThat(out()).isEmpty();
            assertThat(err()).startsWith("tollgate-testkit: cannot listen on 127.0.0.1 port " + taken.getLocalPort())
                    .hasLineCount(1);
        }
    }

    @Test
    void aSeedFileReplacesTheSingleKeyFlags(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path seed = java.nio.file.Files.writeString(dir.resolve("seed.json"),
                "{\"tokens\":[{\"token\":\"T\",\"permissions\":[\"GetKeys\"]}],"
                        + "\"products\":[{\"id\":3941,\"keys\":[{\"key\":\"K\",\"dataObjects\":{\"render\":5}}]}]}");
        Launcher.Started started = start("--port=0", "--seed", seed.toString());
        try (CryptolensEmulator emulator = started.emulator) {
            assertThat(started.exitCode).isZero();
            assertThat(emulator.value(3941, "K", "render")).isEqualTo(5);
            assertThat(new Client(emulator.url()).post("/api/product/GetKeys", "token", "T", "ProductId", "3941")
                    .ok().json().get("total").intValue()).isEqualTo(1);
        }
    }

    @Test
    void aSeedFileWithTheSingleKeyFlagsIsABadCommandLine() {
        Launcher.Started started = start("--seed", "seed.json", "--token", "T");
        assertThat(started.exitCode).isEqualTo(2);
        assertThat(err()).startsWith("tollgate-testkit: --seed describes tokens, products and keys itself;");
    }

    @Test
    void aBrokenSeedFileIsOneLineAndExitCodeTwo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path seed = java.nio.file.Files.writeString(dir.resolve("seed.json"), "{\"tokens\":[{\"token\":\"T\",\"keyLock\":\"x\"}]}");
        Launcher.Started started = start("--port=0", "--seed", seed.toString());
        assertThat(started.exitCode).isEqualTo(2);
        assertThat(err()).isEqualTo("tollgate-testkit: " + seed + ": tokens[0].keyLock: must be an int32 number" + System.lineSeparator());
        assertThat(out()).isEmpty();
    }
}
