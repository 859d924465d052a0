package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged agent beside the OpenTelemetry Java agent in one JVM, in either {@code -javaagent}
 * order: metering stays exact (also in a plugin's class loader and under threads, which OpenTelemetry
 * instruments too) and the host exits normally. OpenTelemetry runs with every exporter off, so it
 * stays offline; each of these JVMs still takes a few seconds to start, so one JVM per order and JDK
 * runs all the scenarios.
 */
class CoexistenceIT {

    /** Keeps the OpenTelemetry agent offline and quiet; its instrumentation stays on. */
    static final List<String> OTEL_OFFLINE = List.of(
            "-Dotel.traces.exporter=none",
            "-Dotel.metrics.exporter=none",
            "-Dotel.logs.exporter=none",
            "-Dotel.javaagent.logging=none");

    static List<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (ForkedJvm.Jdk jdk : ForkedJvm.jdks()) {
            runs.add(Arguments.of(jdk, true));
            runs.add(Arguments.of(jdk, false));
        }
        return runs;
    }

    @ParameterizedTest(name = "{0}, tollgate first: {1}")
    @MethodSource("runs")
    void meteringIsExactBesideTheOpenTelemetryAgent(ForkedJvm.Jdk jdk, boolean tollgateFirst, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", MeteredMethodsIT.CONFIG);
        String tollgate = ForkedJvm.agentOption("tollgate.yml");
        String otel = "-javaagent:" + ForkedJvm.otelAgentJar();
        List<String> options = new ArrayList<>(tollgateFirst ? List.of(tollgate, otel) : List.of(otel, tollgate));
        options.addAll(OTEL_OFFLINE);

        ForkedJvm.Result r = ForkedJvm.run(jdk, dir, options, List.of(), "fixtures.Scenarios",
                "static", "instance", "override", "iface", "usage", "plugin", "threads=100", "custom");

        assertThat(r.exit()).as(r.toString()).isZero();
        for (String kind : List.of("static", "instance", "override", "iface")) {
            assertDeniedAfter(r, kind, 2, "CREDITS_EXHAUSTED");
        }
        assertDeniedAfter(r, "usage", 2, "CAP_REACHED");
        assertThat(r.line("plugin-inside")).as(r.toString())
                .isEqualTo("ran,ran,denied CREDITS_EXHAUSTED loader=null definedBy=plugin");
        assertThat(r.fields("threads")).as(r.toString()).containsEntry("calls", "800").containsEntry("returned", "100")
                .containsEntry("bodies", "100").containsEntry("denied", "700");
        assertThat(r.line("custom")).isEqualTo("caught=fixtures.OutOfCreditsException cause=CREDITS_EXHAUSTED");
        assertThat(r.out()).contains("main finished");
        // Every class was metered (no transformation failed), the agent started, and nobody printed a stack trace.
        assertThat(r.agentLines()).as(r.toString()).noneMatch(l -> l.contains("could not meter"))
                .anyMatch(l -> l.startsWith("[tollgate] metering "));
        assertThat(r.err()).as(r.toString()).doesNotContain("\tat ");
    }

    private static void assertDeniedAfter(ForkedJvm.Result r, String name, int allowed, String reason) {
        Map<String, String> f = r.fields(name);
        assertThat(f).as(name + " in\n" + r).containsEntry("calls", "3").containsEntry("returned", String.valueOf(allowed))
                .containsEntry("bodies", String.valueOf(allowed)).containsEntry("denied", "1")
                .containsEntry("reason", reason).containsEntry("loader", "null");
    }
}
