package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged agent on a real JVM charges every shape of metered method before its body runs, and
 * application code catches the denial in every case. One JVM per JDK runs all the scenarios.
 */
class MeteredMethodsIT {

    static final String CONFIG = """
            local:
              dir: ledger
              credits:
                static: 2
                instance: 2
                private: 2
                final: 2
                costly: 5
                override: 2
                iface: 2
                generic: 2
                typelevel: 2
                nested: 2
                outer: 2
                other: 3
                plugin: 2
                threads: 100
                crowd: 2000
                custom: 0
                refund: 1
            features:
              static:    { mode: credits }
              instance:  { mode: credits }
              private:   { mode: credits }
              final:     { mode: credits }
              costly:    { mode: credits }
              override:  { mode: credits }
              iface:     { mode: credits }
              generic:   { mode: credits }
              typelevel: { mode: credits }
              nested:    { mode: credits }
              outer:     { mode: credits }
              other:     { mode: credits }
              plugin:    { mode: credits }
              threads:   { mode: credits }
              crowd:     { mode: credits }
              usage:     { mode: usage, bound: 2 }
              custom:    { mode: credits, exception: fixtures.OutOfCreditsException }
              refund:    { mode: credits, refund: onException }
            """;

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void everyKindOfMeteredMethodIsChargedBeforeItsBodyAndItsDenialIsCaught(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", CONFIG);
        ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, "tollgate.yml",
                "static", "instance", "private", "final", "costly=2", "usage", "override", "iface", "generic",
                "typelevel", "nested", "other", "plugin", "threads=100", "crowd=1000", "custom", "ghost=1", "refusals", "refund");

        assertThat(r.exit()).as(r.toString()).isZero();
        for (String kind : List.of("static", "instance", "private", "final", "iface", "generic", "typelevel")) {
            assertDeniedAfter(r, kind, 2, "CREDITS_EXHAUSTED");
        }
        assertDeniedAfter(r, "usage", 2, "CAP_REACHED");

        Map<String, String> costly = r.fields("costly");
        assertThat(costly).containsEntry("returned", "1").containsEntry("bodies", "1").containsEntry("left", "2");
        assertThat(costly.get("message")).isEqualTo("Feature 'costly' denied: 2 credits left (needs 3)");

        // super.work() inside an override is the same feature on the same thread: charged once per call.
        assertDeniedAfter(r, "override", 2, "CREDITS_EXHAUSTED");
        // A metered method calling another of the same feature is charged once; of another feature, also there.
        assertDeniedAfter(r, "nested", 2, "CREDITS_EXHAUSTED");
        assertThat(r.line("nested-inner")).isEqualTo("inner=2");
        // outer (2 credits) calls other (3 credits): both are charged, so the third call is denied by outer.
        assertThat(r.fields("other")).containsEntry("returned", "2").containsEntry("bodies", "2")
                .containsEntry("message", "Feature 'outer' denied: 0 credits left (needs 1)");

        assertThat(r.line("typelevel-free")).isEqualTo("toString=5 free=5");

        // The plugin's own code, in its own class loader, catches the same UsageDeniedException.
        assertThat(r.line("plugin-inside")).isEqualTo("ran,ran,denied CREDITS_EXHAUSTED loader=null definedBy=plugin");
        assertThat(r.fields("plugin")).containsEntry("returned", "0").containsEntry("denied", "1");

        assertThat(r.fields("threads")).containsEntry("calls", "800").containsEntry("returned", "100")
                .containsEntry("bodies", "100").containsEntry("denied", "700");

        // 1,000 threads alive at once, more than the journal's 256 slots: the rest share one, and still every
        // credit gives exactly one call (virtual threads on JDK 21+).
        Map<String, String> crowd = r.fields("crowd");
        if (jdk.name().matches("jdk\\d+")) {
            assertThat(crowd).containsEntry("virtual", String.valueOf(Integer.parseInt(jdk.name().substring(3)) >= 21));
        }
        assertThat(crowd).containsEntry("calls", "3000").containsEntry("returned", "2000").containsEntry("bodies", "2000")
                .containsEntry("denied", "1000").containsEntry("left", "0");

        assertThat(r.line("custom")).isEqualTo("caught=fixtures.OutOfCreditsException cause=CREDITS_EXHAUSTED");

        Map<String, String> ghost = r.fields("ghost");
        assertThat(ghost).containsEntry("returned", "0").containsEntry("bodies", "0").containsEntry("reason", "MISCONFIGURED");
        assertThat(r.agentLines()).anyMatch(l -> l.contains("names feature 'ghost', which is not under features:"));

        assertThat(r.line("refusals")).isEqualTo("constructor=1");
        // One credit, and every call's method throws: each charge is given back, so no call is denied.
        assertThat(r.line("refund")).isEqualTo("calls=3 failed=3 denied=0 bodies=3");
        assertThat(r.agentLines()).anyMatch(l -> l.contains("@Metered on native method fixtures.Refusals#nativeMethod()"
                + " is refused"));
        assertThat(r.out()).contains("main finished");
    }

    private static void assertDeniedAfter(ForkedJvm.Result r, String name, int allowed, String reason) {
        Map<String, String> f = r.fields(name);
        assertThat(f).as(name + " in\n" + r).containsEntry("calls", "3").containsEntry("returned", String.valueOf(allowed))
                .containsEntry("denied", "1").containsEntry("reason", reason)
                // the one UsageDeniedException class, from the bootstrap class path
                .containsEntry("loader", "null");
        int bodies = Integer.parseInt(f.get("bodies"));
        assertThat(bodies).as("bodies of " + name).isEqualTo(allowed);
    }
}
