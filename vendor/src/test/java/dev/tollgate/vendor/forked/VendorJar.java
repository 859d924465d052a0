package dev.tollgate.vendor.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the packaged {@code tollgate-vendor.jar} as a real {@code java -jar} process with the token in
 * its environment, and checks that the token shows up in nothing the process wrote.
 */
final class VendorJar {
    static final String TOKEN = "vendor-secret-token-7f3a9c";
    static final long TIMEOUT_SECONDS = 120;

    private VendorJar() {
    }

    /** What a finished process printed. */
    record Result(int exit, String out, String err) {
        /** The stderr lines, for one-line error checks. */
        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    static Path jar() {
        String property = System.getProperty("tollgate.vendor.jar");
        Path jar = Path.of(property != null ? property : "target/tollgate-vendor.jar");
        assertThat(jar).as("the packaged jar (run after mvn package)").isRegularFile();
        return jar;
    }

    /** Starts the jar with {@code token} as CRYPTOLENS_TOKEN (none when null). */
    static Process start(String token, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.remove("CRYPTOLENS_TOKEN");
        env.remove("TOLLGATE_RECORD_SECRET");
        if (token != null) {
            env.put("CRYPTOLENS_TOKEN", token);
        }
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to the end; asserts that the token is in neither stream. */
    static Result run(String token, String... args) {
        Process process = start(token, args);
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("finished in time").isTrue();
            Result result = new Result(process.exitValue(), out.get(30, TimeUnit.SECONDS), err.get(30, TimeUnit.SECONDS));
            assertThat(result.out() + result.err()).as("no token in the output").doesNotContain(TOKEN);
            if (token != null) {
                assertThat(result.out() + result.err()).as("no token in the output").doesNotContain(token);
            }
            return result;
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError(e);
        }
    }

    static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<unreadable: " + e + ">";
            }
        });
    }

    /** Asserts that no file under {@code dir} holds the token. */
    static void assertNoTokenIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).as("no token in %s", file).doesNotContain(TOKEN);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
