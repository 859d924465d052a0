package dev.tollgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar tollgate-agent.jar weave <classes> [classpath ...]}: weaves in place and says what it did, or
 * says in one line per problem why it wrote nothing (exit 1); bad usage exits 2.
 */
class WeaveCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        return Cli.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    @Test
    void aFolderOfClassesIsWovenAndTheSummaryPrinted() throws IOException, URISyntaxException {
        Path fixtures = Path.of(WeaveCommandTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve("fixtures"));
        Files.copy(fixtures.resolve("fixtures/Paid.class"), classes.resolve("fixtures/Paid.class"));

        int exit = run("weave", classes.toString());

        assertThat(exit).as(errBytes.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).startsWith("tollgate weave: wove ")
                .contains(" metered method(s) in 1 class(es) of " + classes + "; 0 already woven");
    }

    @Test
    void aFolderThatDoesNotExistWeavesNothingAndSaysWhy() {
        Path missing = dir.resolve("nowhere");

        int exit = run("weave", missing.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "tollgate weave: error: " + missing + " is not a folder of class files\n"
                        + "tollgate weave: nothing was woven: fix the 1 problem(s) above\n");
    }

    @Test
    void aClassPathEntryThatCannotBeListedIsRefused() throws IOException {
        Files.createDirectories(dir.resolve("classes"));

        int exit = run("weave", dir.resolve("classes").toString(), dir.resolve("libs") + "/*");

        assertThat(exit).isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).startsWith("tollgate weave: " + dir.resolve("libs")
                + ": cannot list the folder's jars");
    }

    @Test
    void noFolderIsBadUsage() {
        int exit = run("weave");

        assertThat(exit).isEqualTo(2);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).startsWith("tollgate weave: name the folder of class"
                + " files to weave\nUsage: java -jar tollgate-agent.jar weave <classes-folder>");
    }
}
