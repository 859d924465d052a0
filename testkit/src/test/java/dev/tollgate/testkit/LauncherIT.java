package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The packaged jar as a user runs it: {@code java -jar target/tollgate-testkit.jar ...}. */
class LauncherIT {
    private static final Pattern LISTENING = Pattern.compile("Cryptolens emulator listening on (http://127\\.0\\.0\\.1:\\d+)");
    private static final String TOKEN = "it-secret-token";

    private Process process;

    @AfterEach
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Path jar() {
        String property = System.getProperty("tollgate.testkit.jar");
        Path jar = Path.of(property != null ? property : "target/tollgate-testkit.jar");
        assertThat(jar).as("the packaged jar (run after mvn package)").isRegularFile();
        return jar;
    }

    private Process launch(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).start();
        return process;
    }

    private static CompletableFuture<String> drain(java.io.InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<unreadable: " + e + ">";
            }
        });
    }

    @Test
    void servesUntilTerminatedAndPrintsOnlyTheListeningLine() throws Exception {
        Process p = launch("--port", "0", "--token", TOKEN, "--product-id", "3941",
                "--key", "AAAAA-BBBBB-CCCCC-DDDDD", "--data", "export=3");
        CompletableFuture<String> stderr = drain(p.getErrorStream());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture<Void> stdout = CompletableFuture.runAsync(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("<stdout unreadable: " + e + ">");
            }
        });

        String line = lines.poll(60, TimeUnit.SECONDS);
        assertThat(line).as("the listening line; stderr: %s", stderr.getNow("")).isNotNull();
        Matcher m = LISTENING.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        String url = m.group(1);

        Client client = new Client(url);
        String[] spend = {"token", TOKEN, "ProductId", "3941", "Key", "AAAAA-BBBBB-CCCCC-DDDDD", "Id", "0",
                "Name", "export", "IntValue", "1", "EnableBound", "true", "Bound", "0"};
        for (int i = 0; i < 3; i++) {
            client.post("/api/data/decrementintvaluetokey", spend).ok();
        }
        assertThat(client.post("/api/data/decrementintvaluetokey", spend).error()).isEqualTo("The bound was reached.");
        assertThat(client.post("/api/data/ListDataObjectsToKey", "token", TOKEN, "ProductId", "3941",
                "Key", "AAAAA-BBBBB-CCCCC-DDDDD").ok().json().get("dataObjects").get(0).get("intValue").intValue()).isZero();

        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
        assertThat(p.exitValue()).as("the JVM's exit code after SIGTERM").isEqualTo(143);
        stdout.get(30, TimeUnit.SECONDS);
        assertThat(lines).as("nothing after the listening line").isEmpty();
        assertThat(stderr.get(30, TimeUnit.SECONDS)).doesNotContain(TOKEN);
        assertThat(line).doesNotContain(TOKEN);
    }

    @Test
    void badArgumentsExitWithCodeTwoAndUsage() throws Exception {
        Process p = launch("--token", TOKEN, "--product-id", "3941", "--key", "K", "--port", "http");
        CompletableFuture<String> stdout = drain(p.getInputStream());
        CompletableFuture<String> stderr = drain(p.getErrorStream());

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(stdout.get(30, TimeUnit.SECONDS)).isEmpty();
        String err = stderr.get(30, TimeUnit.SECONDS);
        assertThat(err.split("\\R")[0]).isEqualTo("tollgate-testkit: --port wants a number from 0 to 65535, not: http");
        assertThat(err).contains("Usage: java -jar tollgate-testkit.jar").doesNotContain(TOKEN);
    }

    @Test
    void theJarIsSelfContained() throws Exception {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(jar().toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.tollgate.testkit.Launcher");
            assertThat(jar.getEntry("mockwebserver3/MockWebServer.class")).isNotNull();
            assertThat(jar.getEntry("okhttp3/OkHttpClient.class")).isNotNull();
            assertThat(jar.getEntry("okio/Buffer.class")).isNotNull();
            assertThat(jar.getEntry("kotlin/Unit.class")).isNotNull();
        }
    }

    @Test
    void aSeedFileServesSeveralProductsAndTokens(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path seed = java.nio.file.Files.writeString(dir.resolve("seed.json"), """
                {"tokens":[{"token":"%s","permissions":["GetKeys","ListDataObjects"],"keyLock":-1},
                           {"token":"reader","permissions":["ListDataObjects"]}],
                 "products":[{"id":3941,"keys":[{"key":"AAAAA-BBBBB-CCCCC-DDDDD","dataObjects":{"render":120}},
                                                {"key":"EEEEE-FFFFF-GGGGG-HHHHH","dataObjects":{"render":7}}]},
                             {"id":12,"keys":[{"key":"K12"}]}]}
                """.formatted(TOKEN));
        Process p = launch("--port", "0", "--seed", seed.toString());
        CompletableFuture<String> stderr = drain(p.getErrorStream());
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the listening line; stderr: %s", stderr.getNow("")).isNotNull();
        Matcher m = LISTENING.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        Client client = new Client(m.group(1));

        var keys = client.post("/api/product/GetKeys", "token", TOKEN, "ProductId", "3941").ok().json();
        assertThat(keys.get("total").intValue()).isEqualTo(2);
        assertThat(keys.get("licenseKeys").get(1).get("dataObjects").get(0).get("intValue").intValue()).isEqualTo(7);
        assertThat(client.post("/api/product/GetKeys", "token", "reader", "ProductId", "12").error()).isEqualTo("Access denied.");
        p.destroy();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(stderr.get(30, TimeUnit.SECONDS)).doesNotContain(TOKEN);
    }
}
