package dev.tollgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check}: its output, line by line, and its exit status for every way it can end. */
class CheckCommandTest {

    private static final String[] RETROFIT_CLASSES = {"Merger", "Merger$Part", "Codec", "UpperCodec", "Annotated",
        "Report", "PdfReport", "Handler", "TextHandler"};

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        return Cli.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private Path config(String yaml) throws IOException {
        return Files.writeString(dir.resolve("tollgate.yml"), yaml);
    }

    /** A jar of test classes, such as {@code fixtures/retrofit/Merger}. */
    private Path jar(String name, String... classes) throws IOException {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String c : classes) {
                out.putNextEntry(new JarEntry(c + ".class"));
                out.write(bytes(c));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static byte[] bytes(String internalName) throws IOException {
        try (InputStream in = CheckCommandTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        }
    }

    private Path retrofitJar() throws IOException {
        String[] classes = new String[RETROFIT_CLASSES.length];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = "fixtures/retrofit/" + RETROFIT_CLASSES[i];
        }
        return jar("product.jar", classes);
    }

    @Test
    void listsEveryMeteredMethodByClassWithFeatureCostAndOriginAndTheRulesThatMatchedNothing() throws IOException {
        Path config = config("""
                features:
                  merge: { mode: credits, cost: 2 }
                  encode: { mode: credits }
                  annotated: { mode: usage }
                retrofit:
                  - method: fixtures.retrofit.Merger#merge(..)
                    feature: merge
                  - method: fixtures.retrofit.Codec+#encode(java.lang.String)
                    feature: encode
                    cost: 3
                  - method: fixtures.retrofit.Annotated#export()
                    feature: merge
                  - method: fixtures.retrofit.Gone#never()
                    feature: merge
                """);
        Path jar = retrofitJar();

        int exit = run("check", config.toString(), jar.toString());

        assertThat(exit).as(out()).isZero();
        assertThat(err()).isEmpty();
        assertThat(out()).isEqualTo("""
                tollgate check: %1$s; 1 jar, 0 folders, 9 classes

                config: no problems (3 features, 4 retrofit rules)

                fixtures.retrofit.Annotated
                  export()                      feature annotated, cost 1  @Metered (also retrofit rule %1$s:11)
                fixtures.retrofit.Merger
                  merge(java.util.List)         feature merge, cost 2      retrofit rule %1$s:6
                  merge(java.lang.String, int)  feature merge, cost 2      retrofit rule %1$s:6
                fixtures.retrofit.UpperCodec
                  encode(java.lang.String)      feature encode, cost 3     retrofit rule %1$s:8

                4 methods in 3 classes would be metered.
                warning: %1$s:13: retrofit[3]: fixtures.retrofit.Gone#never() matched no method in the given jars and folders

                check passed
                """.formatted(config));
    }

    @Test
    void aConfigWithProblemsPrintsEachAsTheAgentWouldAndExitsOne() throws IOException {
        Path config = config("""
                features:
                  merge: { mode: credits, cots: 2 }
                retrofit:
                  - method: fixtures.retrofit.Merger#merge(String)
                    feature: merge
                  - method: java.util.List#add(..)
                    feature: merge
                  - method: fixtures.retrofit.Merger#mergeAll(..)
                    feature: merg
                """);

        int exit = run("check", config.toString(), retrofitJar().toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out().lines()).contains(
                "config: 4 problems; the agent would deny every metered call (misconfigured) until they are fixed",
                "error: " + config + ":2: features.merge.cots: unknown key (did you mean 'cost'?); known here: mode, "
                        + "cost, bound, exception, onBackendFailure, dataObject, refund, sync, block, leaseFor, flushEvery, "
                        + "flushUnits, grace",
                "error: " + config + ":4: retrofit[0].method: 'String' is not fully qualified: write java.lang.String",
                "error: " + config + ":6: retrofit[1].method: 'java.util.List' is in the Java platform (java.*, "
                        + "javax.*, jdk.*, sun.*, com.sun.*), which the agent never meters; meter the product's own "
                        + "method that calls it",
                "error: " + config + ":9: retrofit[2].feature: no feature 'merg' under features: (did you mean "
                        + "'merge'?)",
                "check failed: 5 errors");
        assertThat(out()).as("a rule whose pattern is fine is still listed")
                .containsPattern("\\n  mergeAll\\(java.lang.String\\[\\]\\)  feature merg \\(not configured\\) +retrofit rule "
                        + java.util.regex.Pattern.quote(config + ":8") + "\\n");
        assertThat(out()).contains("error: @Metered on fixtures.retrofit.Annotated#export() names feature "
                + "'annotated', which is not under features: in " + config + "; its calls would be denied (misconfigured)");
    }

    @Test
    void refusalsAndUnconfiguredAnnotationFeaturesAreErrors() throws IOException {
        Path config = config("""
                features:
                  merge: { mode: credits }
                retrofit:
                  - method: fixtures.retrofit.Merger#mergeNative()
                    feature: merge
                """);
        int exit = run("check", config.toString(), jar("p.jar", "fixtures/retrofit/Merger", "fixtures/Refusals").toString());
        assertThat(exit).isEqualTo(1);
        assertThat(out().lines()).contains(
                "No method would be metered.",
                "error: retrofit rule " + config + ":4 on native method fixtures.retrofit.Merger#mergeNative() is "
                        + "refused: advice cannot run around a native method; meter a Java method that calls it",
                "error: @Metered on native method fixtures.Refusals#nativeMethod() is refused: advice cannot run "
                        + "around a native method; put it on a Java method that calls it",
                "check failed: 2 errors");
    }

    @Test
    void aJarThatCannotBeReadExitsOneAndTheOthersAreStillChecked() throws IOException {
        Path config = config("features:\n  merge: { mode: credits }\nretrofit:\n"
                + "  - method: fixtures.retrofit.Merger#merge(..)\n    feature: merge\n");
        Path notAJar = Files.writeString(dir.resolve("notes.jar"), "not a zip");
        Path missing = dir.resolve("missing.jar");

        Path jar = jar("p.jar", "fixtures/retrofit/Merger");

        int exit = run("check", config.toString(), jar + File.pathSeparator + notAJar, missing.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out()).contains("tollgate check: " + config + "; 1 jar, 0 folders, 1 class");
        assertThat(out()).contains("error: " + notAJar + ": not a readable jar (");
        assertThat(out()).contains("error: " + missing + ": not found");
        assertThat(out()).contains("  merge(java.util.List)         feature merge, cost 1  retrofit rule " + config + ":4");
        assertThat(out()).endsWith("check failed: 2 errors\n");
    }

    @Test
    void foldersClasspathsAndDirStarAreRead() throws IOException {
        Path config = config("features:\n  merge: { mode: credits }\nretrofit:\n"
                + "  - method: fixtures.retrofit.Report+#render()\n    feature: merge\n");
        Path classes = dir.resolve("classes/fixtures/retrofit");
        Files.createDirectories(classes);
        Files.write(classes.resolve("PdfReport.class"), bytes("fixtures/retrofit/PdfReport"));
        Path lib = Files.createDirectories(dir.resolve("lib"));
        jar("lib/report.jar", "fixtures/retrofit/Report");

        int exit = run("check", config.toString(), dir.resolve("classes") + File.pathSeparator + lib + File.separator + "*");

        assertThat(exit).as(out()).isZero();
        assertThat(out()).contains("; 1 jar, 1 folder, 2 classes");
        assertThat(out()).contains("fixtures.retrofit.PdfReport\n  render()  feature merge, cost 1  retrofit rule ");
        assertThat(out()).contains("fixtures.retrofit.Report\n  render()  feature merge, cost 1  retrofit rule ");
        assertThat(out()).contains("2 methods in 2 classes would be metered.");
    }

    @Test
    void aSupertypeOutsideTheGivenJarsIsNamedInANote() throws IOException {
        Path config = config("features:\n  merge: { mode: credits }\nretrofit:\n"
                + "  - method: fixtures.retrofit.PdfReport#title()\n    feature: merge\n");
        int exit = run("check", config.toString(), jar("p.jar", "fixtures/retrofit/PdfReport").toString());
        assertThat(exit).isZero();
        assertThat(out()).contains("note: 1 supertype of the scanned classes is in none of the given jars and folders, "
                + "so '+' rules and inherited @Metered cannot see beyond it: fixtures.retrofit.Report; give the whole "
                + "class path to see every metered method");
        assertThat(out()).contains("  title()  feature merge, cost 1");
    }

    @Test
    void denialExceptionsAreCheckedInTheJarsAsTheAgentChecksThemAtStartup() throws IOException {
        Path config = config("""
                features:
                  merge: { mode: credits, exception: fixtures.CheckedDenial }
                  other: { mode: credits, exception: com.acme.Missing }
                  fine: { mode: credits, exception: fixtures.CopyDenial }
                """);
        int exit = run("check", config.toString(), jar("p.jar", "fixtures/CheckedDenial", "fixtures/CopyDenial").toString());
        Path jar = dir.resolve("p.jar");
        assertThat(exit).isEqualTo(1);
        assertThat(out().lines()).contains(
                "error: " + config + ":2: features.merge.exception: fixtures.CheckedDenial is not an unchecked "
                        + "exception (it must extend RuntimeException)",
                "error: " + config + ":3: features.other.exception: com.acme.Missing is not in the class path given ("
                        + jar + ") nor in the JDK: the agent would deny every call of 'other' (misconfigured)",
                "check failed: 2 errors");
        assertThat(out()).doesNotContain("fixtures.CopyDenial");
    }

    @Test
    void aDenialExceptionInNoneOfTheGivenJarsFailsTheCheckAndSaysWhereItWasLookedFor() throws IOException {
        Path config = config("features:\n  merge: { mode: credits }\ndenied:\n  exception: com.acme.NoSuchException\n");
        Path a = jar("a.jar", "fixtures/CopyDenial");
        Path b = jar("b.jar", "fixtures/CheckedDenial");
        Path c = jar("c.jar", "fixtures/MessageDenial");
        Path d = jar("d.jar", "fixtures/ExplodingDenial");

        int exit = run("check", config.toString(), a + File.pathSeparator + b + File.pathSeparator + c
                + File.pathSeparator + d);

        assertThat(exit).isEqualTo(1);
        assertThat(out().lines()).contains("error: " + config + ":4: denied.exception: com.acme.NoSuchException is "
                + "not in the class path given (" + a + ", " + b + ", " + c + " and 1 more) nor in the JDK: the agent "
                + "would deny every call of features without an exception of their own (misconfigured)");
        assertThat(out()).endsWith("check failed: 1 error\n").doesNotContain("check passed");
    }

    @Test
    void aDenialExceptionThatCannotBeLookedForBecauseNoClassPathWasGivenFailsTheCheck() throws IOException {
        Path config = config("features:\n  merge: { mode: credits, exception: com.acme.OutOfCredits }\n");

        assertThat(run("check", config.toString())).isEqualTo(1);
        assertThat(out().lines()).contains("error: " + config + ":2: features.merge.exception: cannot verify "
                + "com.acme.OutOfCredits: no jars or folders were given, and it is not part of the JDK or the agent; give "
                + "the product's class path (check <config> 'lib/*'), else the agent denies every call of 'merge' "
                + "(misconfigured) wherever it cannot find it");
        assertThat(out()).endsWith("check failed: 1 error\n");
    }

    @Test
    void aDenialExceptionOfTheJdkIsFoundWithoutAClassPath() throws IOException {
        Path config = config("features:\n  merge: { mode: credits, exception: java.lang.IllegalStateException }\n");

        assertThat(run("check", config.toString())).as(out()).isZero();
        assertThat(out()).endsWith("check passed\n");
    }

    @Test
    void aFolderThatHoldsOnlyJarsIsReadAsItsJars() throws IOException {
        Path config = config("features:\n  merge: { mode: credits }\nretrofit:\n"
                + "  - method: fixtures.retrofit.Report+#render()\n    feature: merge\n");
        Path lib = Files.createDirectories(dir.resolve("lib"));
        jar("lib/report.jar", "fixtures/retrofit/Report");
        jar("lib/pdf.jar", "fixtures/retrofit/PdfReport");

        int exit = run("check", config.toString(), lib.toString());

        assertThat(exit).as(out()).isZero();
        assertThat(out()).contains("; 2 jars, 0 folders, 2 classes\n")
                .contains("note: " + lib + " holds 2 jars and no class files: read its jars, as " + lib + File.separator
                        + "* would (on a class path, a folder is only for class files)\n")
                .contains("2 methods in 2 classes would be metered.");
    }

    @Test
    void aClassFolderThatAlsoHoldsAJarIsReadAsAClassFolder() throws IOException {
        Path config = config("features:\n  merge: { mode: credits }\nretrofit:\n"
                + "  - method: fixtures.retrofit.Report+#render()\n    feature: merge\n");
        Path classes = Files.createDirectories(dir.resolve("classes/fixtures/retrofit"));
        Files.write(classes.resolve("Report.class"), bytes("fixtures/retrofit/Report"));
        jar("classes/pdf.jar", "fixtures/retrofit/PdfReport");

        int exit = run("check", config.toString(), dir.resolve("classes").toString());

        assertThat(exit).as(out()).isZero();
        assertThat(out()).contains("; 0 jars, 1 folder, 1 class\n").doesNotContain("note: ");
    }

    @Test
    void withoutJarsOnlyTheConfigIsChecked() throws IOException {
        Path config = config("features:\n  merge: { mode: credits }\n");
        assertThat(run("check", config.toString())).isZero();
        assertThat(out()).isEqualTo("""
                tollgate check: %s; 0 jars, 0 folders

                config: no problems (1 feature, 0 retrofit rules)
                No jars or folders given: only the config was checked.

                check passed
                """.formatted(config));
    }

    @Test
    void aMissingConfigFileIsAProblem() {
        Path config = dir.resolve("absent.yml");
        assertThat(run("check", config.toString())).isEqualTo(1);
        assertThat(out()).contains("error: " + config + ": cannot read the config file: ");
    }

    @Test
    void badUsageExitsTwoWithTheUsageOnStderr() {
        assertThat(run("check")).isEqualTo(2);
        assertThat(err()).contains("tollgate check: name the config file",
                "Usage: java -jar tollgate-agent.jar check <config.yml> [jar | folder | classpath ...]");
        assertThat(out()).isEmpty();

        errBytes.reset();
        assertThat(run("check", "tollgate.yml", "--verbose")).isEqualTo(2);
        assertThat(err()).contains("tollgate check: unknown option '--verbose'");
    }

    @Test
    void helpIsUsageOnStdoutAndTheCommandIsListedByTheAgentsHelp() {
        assertThat(run("check", "--help")).isZero();
        assertThat(out()).startsWith("Usage: java -jar tollgate-agent.jar check ");
        outBytes.reset();
        assertThat(run("help")).isZero();
        assertThat(out()).contains("  check <config.yml> [jar|folder|classpath ...]");
    }
}
