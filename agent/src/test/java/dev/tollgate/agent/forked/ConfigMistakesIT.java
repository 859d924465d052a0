package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import dev.tollgate.testkit.CryptolensEmulator;
import dev.tollgate.testkit.RecordedCall;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a new vendor trips over in the first hour, on the packaged jar: each mistake has a clear outcome (one
 * line with file, line and key; calls denied, never free) and what the README promises holds.
 */
class ConfigMistakesIT {

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    private static ForkedJvm.Result check(ForkedJvm.Jdk jdk, Path dir, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "-jar";
        command[1] = ForkedJvm.agentJar().toString();
        command[2] = "check";
        System.arraycopy(args, 0, command, 3, args.length);
        return ForkedJvm.java(jdk, dir, command);
    }

    /** A jar in {@code dir} of the named fixture classes, read from the test classes. */
    private static Path jar(Path dir, String name, String... classes) {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String c : classes) {
                out.putNextEntry(new JarEntry(c + ".class"));
                out.write(Files.readAllBytes(ForkedJvm.fixtures().resolve(c + ".class")));
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void checkFailsOnADenialExceptionInNoneOfTheGivenJarsAndPassesWhereItIs(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", "features:\n  export:\n    mode: credits\n"
                + "    exception: fixtures.CopyDenial\n");
        Path without = jar(dir, "without.jar", "fixtures/MessageDenial");
        Path with = jar(dir, "with.jar", "fixtures/CopyDenial");

        ForkedJvm.Result missing = check(jdk, dir, "tollgate.yml", without.toString());
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.out()).contains("error: tollgate.yml:4: features.export.exception: fixtures.CopyDenial is not "
                + "in the class path given (" + without + ") nor in the JDK: the agent would deny every call of "
                + "'export' (misconfigured)").endsWith("check failed: 1 error\n");

        ForkedJvm.Result unverified = check(jdk, dir, "tollgate.yml");
        assertThat(unverified.exit()).as(unverified.toString()).isEqualTo(1);
        assertThat(unverified.out()).contains("features.export.exception: cannot verify fixtures.CopyDenial: no jars "
                + "or folders were given").doesNotContain("check passed");

        ForkedJvm.Result found = check(jdk, dir, "tollgate.yml", with.toString());
        assertThat(found.exit()).as(found.toString()).isZero();
        assertThat(found.out()).endsWith("check passed\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void checkReadsTheJarsOfAFolderThatHoldsOnlyJars(ForkedJvm.Jdk jdk, @TempDir Path dir) throws IOException {
        ForkedJvm.write(dir, "tollgate.yml", "features:\n  merge: { mode: credits }\nretrofit:\n"
                + "  - method: fixtures.retrofit.Merger#merge(..)\n    feature: merge\n");
        Files.createDirectories(dir.resolve("lib"));
        jar(dir, "lib/merger.jar", "fixtures/retrofit/Merger");

        ForkedJvm.Result r = check(jdk, dir, "tollgate.yml", "lib");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("tollgate check: tollgate.yml; 1 jar, 0 folders, 1 class\n")
                .contains("note: lib holds 1 jar and no class files: read its jars, as lib/* would")
                .contains("2 methods in 1 class would be metered.").endsWith("check passed\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theLogLevelComesFromTheSystemPropertyThenTheEnvironmentThenTheFile(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", "log:\n  level: error\nlocal:\n  dir: ledger\n"
                + "features:\n  export: { mode: credits }\n");
        String info = "[tollgate] metering 1 feature(s)";

        ForkedJvm.Result file = ForkedJvm.scenariosWith(jdk, dir, Map.of(), List.of(), "tollgate.yml", "export=0");
        assertThat(file.agentLines()).as(file.toString()).noneMatch(l -> l.startsWith(info));

        ForkedJvm.Result env = ForkedJvm.scenariosWith(jdk, dir, Map.of("TOLLGATE_LOG_LEVEL", "info"), List.of(),
                "tollgate.yml", "export=0");
        assertThat(env.agentLines()).as(env.toString()).anyMatch(l -> l.startsWith(info));

        ForkedJvm.Result property = ForkedJvm.scenariosWith(jdk, dir, Map.of("TOLLGATE_LOG_LEVEL", "error"),
                List.of("-Dtollgate.log.level=info"), "tollgate.yml", "export=0");
        assertThat(property.agentLines()).as(property.toString()).anyMatch(l -> l.startsWith(info));

        ForkedJvm.Result quiet = ForkedJvm.scenariosWith(jdk, dir, Map.of("TOLLGATE_LOG_LEVEL", "info"),
                List.of("-Dtollgate.log.level=error"), "tollgate.yml", "export=0");
        assertThat(quiet.agentLines()).as(quiet.toString()).noneMatch(l -> l.startsWith(info));

        ForkedJvm.Result wrong = ForkedJvm.scenariosWith(jdk, dir, Map.of("TOLLGATE_LOG_LEVEL", "info"),
                List.of("-Dtollgate.log.level=loud"), "tollgate.yml", "export=0");
        assertThat(wrong.agentLines()).as(wrong.toString()).contains("[tollgate] warning: -Dtollgate.log.level: must be "
                + "one of debug, info, warn, error, off, got 'loud'; ignored").anyMatch(l -> l.startsWith(info));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aMalformedVariableReferenceIsAProblemAndNothingLikeAVariableReachesTheBackend(ForkedJvm.Jdk jdk,
            @TempDir Path dir) {
        try (CryptolensEmulator emulator = CryptolensEmulator.start()) {
            emulator.product(CryptolensIT.PRODUCT).key(CryptolensIT.KEY).dataObject("export", 5);
            ForkedJvm.write(dir, "tollgate.yml", """
                    backend: cryptolens
                    cryptolens:
                      url: %s
                      token: ${SECRET-TOKEN-1234}
                      productId: %d
                      key: %s
                    features:
                      export: { mode: credits }
                    """.formatted(emulator.url(), CryptolensIT.PRODUCT, CryptolensIT.KEY));

            ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "export=2");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.fields("export")).containsEntry("returned", "0").containsEntry("reason", "MISCONFIGURED");
            assertThat(r.agentLines()).contains("[tollgate] error: " + dir.resolve("tollgate.yml") + ":4: "
                    + "cryptolens.token: '${' at character 1 does not start a valid variable reference: write ${NAME} or "
                    + "${NAME:-fallback}, NAME being letters, digits and '_', not starting with a digit (the value is not "
                    + "used)");
            assertThat(r.out() + r.err()).doesNotContain("SECRET-TOKEN-1234");
            List<RecordedCall> calls = emulator.requests();
            assertThat(calls).as("no request: a config with problems never reaches the backend").isEmpty();
            assertThat(calls).noneMatch(c -> c.params().values().stream().anyMatch(v -> v.contains("${")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aLedgerFolderUnderAFileNamesLocalDirThePathAndTheLine(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        Path hostname = ForkedJvm.write(dir, "hostname", "acme\n");
        ForkedJvm.write(dir, "tollgate.yml", "features:\n  export: { mode: credits }\nlocal:\n  dir: " + hostname
                + "/ledger\n");

        ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "export=1");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.fields("export")).containsEntry("returned", "0").containsEntry("reason", "MISCONFIGURED");
        assertThat(r.agentLines()).contains("[tollgate] error: " + dir.resolve("tollgate.yml") + ":4: local.dir: "
                + hostname.resolve("ledger") + " cannot be the folder of the ledger: " + hostname
                + " is a file, not a folder");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void withoutAConfigFileTheAgentSaysWhereItLookedAndAFolderIsADirectory(ForkedJvm.Jdk jdk, @TempDir Path dir)
            throws IOException {
        ForkedJvm.Result none = ForkedJvm.scenarios(jdk, dir, (String) null, "export=1");
        assertThat(none.fields("export")).as(none.toString()).containsEntry("returned", "0");
        assertThat(none.agentLines()).anyMatch(l -> l.contains("(no config file: no -javaagent argument, no "
                + "-Dtollgate.config, no environment variable TOLLGATE_CONFIG, and no " + dir.resolve("tollgate.yml")
                + ")"));

        Files.createDirectories(dir.resolve("conf"));
        ForkedJvm.Result folder = ForkedJvm.scenarios(jdk, dir, "conf", "export=1");
        assertThat(folder.fields("export")).as(folder.toString()).containsEntry("returned", "0")
                .containsEntry("reason", "MISCONFIGURED");
        assertThat(folder.agentLines()).contains("[tollgate] error: " + dir.resolve("conf") + ": is a directory, not a "
                + "config file (named by the -javaagent argument); name the file, e.g. "
                + dir.resolve("conf").resolve("tollgate.yml"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void nonsenseLimitsAreRefusedWithTheirLines(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  credits: { export: 5 }
                features:
                  export: { mode: credits, bound: 10 }
                  render: { mode: usage, bound: -10 }
                """);

        ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "export=1", "render=1");

        String file = dir.resolve("tollgate.yml").toString();
        assertThat(r.fields("render")).as(r.toString()).containsEntry("returned", "0")
                .containsEntry("reason", "MISCONFIGURED");
        assertThat(r.agentLines()).contains(
                "[tollgate] error: " + file + ":5: features.export.bound: 10 is above the opening balance "
                        + "local.credits.export: 5 (line 3): every call would be denied; the bound is the lowest balance, "
                        + "usually 0",
                "[tollgate] error: " + file + ":6: features.render.bound: a usage cap below 0 cannot be met (usage "
                        + "starts at 0 and only grows), got -10; write the most units a customer may use");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aUsageCapDenialSaysHowMuchWasUsedOfTheCap(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", "local:\n  dir: ledger\nfeatures:\n  render: { mode: usage, bound: 2 }\n");

        ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "render=3");

        assertThat(r.fields("render")).as(r.toString()).containsEntry("returned", "2").containsEntry("reason",
                "CAP_REACHED").containsEntry("message", "Feature 'render' denied: usage cap reached: used 2 of 2 (needs 1)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aProductStartedWithoutTheAgentRunsMeteredMethodsFreeAndTollgateSaysItIsNotActive(ForkedJvm.Jdk jdk,
            @TempDir Path dir) {
        ForkedJvm.Result r = ForkedJvm.run(jdk, dir, List.of(), List.of(), "fixtures.Scenarios", "export=3", "balance");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.fields("export")).containsEntry("returned", "3").containsEntry("bodies", "3");
        assertThat(r.fields("balance")).containsEntry("export", "none").containsEntry("active", "false");
    }
}
