package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.MethodCall;

/**
 * Bad input on real JVMs: one line per problem naming the file, the line and the key; the host still
 * starts; every metered call is denied as misconfigured; nothing is reset or lost.
 */
class BadInputIT {

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aMissingConfigFileIsReportedAndEveryCallDenied(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, "absent.yml", "export=1");
        assertStartedAndDenied(r);
        assertThat(r.agentLines()).anyMatch(l -> l.contains("absent.yml: config file not found (named by the "
                + "-javaagent argument)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void malformedYamlIsReportedWithItsLine(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", """
                features:
                  export:
                    mode: credits
                   cost: [1
                """);
        ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "export=1");
        assertStartedAndDenied(r);
        assertThat(r.agentLines()).anyMatch(l -> l.matches(".*tollgate\\.yml:[34]: not valid YAML: .*"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void everyProblemOfAConfigGetsItsOwnLineWithFileLineAndKey(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", """
                backend: local
                local:
                  dir: ledger
                  credits:
                    export: lots
                features:
                  export:
                    mode: credits
                    cots: 1
                  render:
                    mode: prepaid
                  chart:
                    mode: usage
                    cost: 0
                  pdf:
                    mode: credits
                    exception: ${NO_SUCH_VARIABLE_FOR_TOLLGATE}
                """);
        ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "export=1");
        assertStartedAndDenied(r);
        String file = dir.resolve("tollgate.yml").toString();
        assertThat(r.agentLines()).contains(
                "[tollgate] error: " + file + ":5: local.credits.export: must be a whole number, got 'lots'",
                "[tollgate] error: " + file + ":9: features.export.cots: unknown key (did you mean 'cost'?); "
                        + "known here: mode, cost, bound, exception, onBackendFailure, dataObject, refund, sync, "
                        + "block, leaseFor, flushEvery, flushUnits, grace",
                "[tollgate] error: " + file + ":11: features.render.mode: must be one of credits, usage, got 'prepaid'",
                "[tollgate] error: " + file + ":14: features.chart.cost: must be a whole number of at least 1, got 0",
                "[tollgate] error: " + file + ":17: features.pdf.exception: the environment variable "
                        + "NO_SUCH_VARIABLE_FOR_TOLLGATE is not set");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anExceptionClassThatCannotBeBuiltIsReportedAtStartup(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  credits: { export: 5 }
                features:
                  export:
                    mode: credits
                    exception: fixtures.CheckedDenial
                """);
        ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "export=1");
        assertStartedAndDenied(r);
        assertThat(r.agentLines()).contains("[tollgate] error: " + dir.resolve("tollgate.yml")
                + ":6: features.export.exception: fixtures.CheckedDenial is not an unchecked exception (it must "
                + "extend RuntimeException)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anExceptionClassFoundNowhereDeniesEveryCallOfItsFeatureUnchargedAndOtherFeaturesRun(ForkedJvm.Jdk jdk,
            @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  credits: { export: 5 }
                features:
                  export:
                    mode: credits
                    exception: com.acme.NoSuchException
                  render: { mode: usage }
                """);
        ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "export=2", "render=1", "balance");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, String> export = r.fields("export");
        assertThat(export).containsEntry("returned", "0").containsEntry("bodies", "0").containsEntry("denied", "2")
                .containsEntry("reason", "MISCONFIGURED");
        assertThat(export.get("message")).isEqualTo("Feature 'export' denied: misconfigured: denial exception "
                + "com.acme.NoSuchException: class com.acme.NoSuchException not found");
        assertThat(r.fields("render")).as("another feature is not affected").containsEntry("returned", "1");
        assertThat(r.fields("balance")).as("nothing was charged").containsEntry("export", "5");
        String at = "[tollgate] error: " + dir.resolve("tollgate.yml") + ":7: features.export.exception: ";
        assertThat(r.agentLines()).anyMatch(l -> l.startsWith(at + "com.acme.NoSuchException cannot be used: class "
                + "com.acme.NoSuchException not found (as seen by the system class loader); every call of 'export' from "
                + "there is denied (misconfigured) until this is fixed"));
        assertThat(r.agentLines()).anyMatch(l -> l.contains("features.export.exception: com.acme.NoSuchException is "
                + "not on the class path"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aCorruptLedgerIsReportedAndNeverReset(ForkedJvm.Jdk jdk, @TempDir Path dir) throws IOException {
        ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  credits: { export: 5 }
                features:
                  export: { mode: credits }
                """);
        Files.createDirectories(dir.resolve("ledger"));
        byte[] garbage = "this is not a ledger file at all, not even close........".repeat(2).getBytes();
        Path counter = Files.write(dir.resolve("ledger/export.counter"), garbage);

        ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "export=2");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.fields("export")).containsEntry("returned", "0").containsEntry("bodies", "0")
                .containsEntry("reason", "MISCONFIGURED");
        assertThat(r.agentLines()).anyMatch(l -> l.contains("ledger file " + counter + " is corrupt")
                && l.contains("it was not reset"));
        assertThat(Files.readAllBytes(counter)).isEqualTo(garbage);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void meteredConstructorsInBytecodeAreRefusedAndStillRun(ForkedJvm.Jdk jdk, @TempDir Path dir) throws Exception {
        // javac refuses @Metered on a constructor; other bytecode producers may not. Make such a class.
        Path classes = Files.createDirectories(dir.resolve("generated"));
        new ByteBuddy().with(net.bytebuddy.dynamic.scaffold.TypeValidation.DISABLED)
                .subclass(Object.class, net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy.Default.NO_CONSTRUCTORS)
                .name("generated.MeteredConstructor")
                .defineConstructor(Visibility.PUBLIC)
                .intercept(MethodCall.invoke(Object.class.getConstructor()))
                .annotateMethod(AnnotationDescription.Builder.ofType(dev.tollgate.Metered.class)
                        .define("value", "export").build())
                .make().saveIn(classes.toFile());
        ForkedJvm.write(dir, "tollgate.yml", "features:\n  export: { mode: credits }\n");
        ForkedJvm.Result r = ForkedJvm.run(jdk, dir, List.of(ForkedJvm.agentOption("tollgate.yml")), List.of(classes),
                "fixtures.Instantiate", "generated.MeteredConstructor");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("instantiated generated.MeteredConstructor");
        assertThat(r.agentLines()).contains("[tollgate] error: @Metered on constructor "
                + "generated.MeteredConstructor#<init>() is refused: a constructor body cannot be skipped; put it on a "
                + "method");
    }

    private static void assertStartedAndDenied(ForkedJvm.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("main started", "main finished");
        assertThat(r.fields("export")).as(r.toString()).containsEntry("returned", "0").containsEntry("bodies", "0")
                .containsEntry("reason", "MISCONFIGURED");
        assertThat(r.agentLines()).anyMatch(l -> l.contains("every metered call is denied (misconfigured)"));
    }
}
