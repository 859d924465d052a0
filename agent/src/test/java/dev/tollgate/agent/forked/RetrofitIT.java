package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Retrofit rules on a real third-party jar that nobody here wrote (Apache Commons Lang from Maven Central),
 * unchanged, metered by the packaged agent with no annotations jar anywhere; and {@code check} on the same jar.
 * One JVM per JDK runs all the metering scenarios.
 */
class RetrofitIT {

    static final String CONFIG = """
            local:
              dir: ledger
              credits: { capitalize: 3, abbreviate: 5, build: 4, swapcase: 2 }
            features:
              capitalize: { mode: credits }
              abbreviate: { mode: credits }
              reverse:    { mode: usage, bound: 2 }
              build:      { mode: credits, cost: 2 }
              swapcase:   { mode: credits }
            retrofit:
              - method: org.apache.commons.lang3.StringUtils#capitalize(java.lang.String)
                feature: capitalize
              - method: org.apache.commons.lang3.StringUtils#abbreviate(java.lang.String, ..)
                feature: abbreviate
                cost: 2
              - method: org.apache.commons.lang3.*Utils#reverse*(java.lang.String)
                feature: reverse
              - method: org.apache.commons.lang3.builder.Builder+#build()
                feature: build
              - method: org.apache.commons.lang3.StringUtils#swapCase(java.lang.String)
                feature: swapcase
              - method: org.apache.commons.lang3.NoSuchType#nothing(..)
                feature: capitalize
            """;

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    static Path library() {
        return ForkedJvm.thirdPartyJar();
    }

    /** {@code java -javaagent:... -cp <fixtures>:<commons-lang3> fixtures.Retrofitted ...}: no annotations jar. */
    private static ForkedJvm.Result retrofitted(ForkedJvm.Jdk jdk, Path dir, String... scenarios) {
        String[] args = new String[5 + scenarios.length];
        args[0] = ForkedJvm.agentOption("tollgate.yml");
        args[1] = "-Dretrofitted.lib=" + library();
        args[2] = "-cp";
        args[3] = ForkedJvm.fixtures() + File.pathSeparator + library();
        args[4] = "fixtures.Retrofitted";
        System.arraycopy(scenarios, 0, args, 5, scenarios.length);
        return ForkedJvm.java(jdk, dir, args);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aThirdPartyJarIsMeteredByRulesAloneAlsoInAPluginClassLoader(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", CONFIG);

        ForkedJvm.Result r = retrofitted(jdk, dir, "capitalize=5", "abbreviate=3", "reverse=4", "build=3", "free=10",
                "plugin=4");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.line("retrofitted")).as("nothing on the class path knows Tollgate")
                .isEqualTo("annotations-jar-on-classpath=false");

        Map<String, String> capitalize = r.fields("capitalize");
        assertThat(capitalize).as(r.toString()).containsEntry("returned", "3").containsEntry("denied", "2")
                .containsEntry("result", "Hello").containsEntry("reason", "CREDITS_EXHAUSTED")
                .containsEntry("loader", "null"); // the one UsageDeniedException, from the bootstrap class path
        assertThat(capitalize.get("message")).isEqualTo("Feature 'capitalize' denied: 0 credits left (needs 1)");

        // abbreviate(String, int) calls the longer overloads, which the rule matches too: one charge per call.
        assertThat(r.fields("abbreviate")).containsEntry("returned", "2").containsEntry("denied", "1")
                .containsEntry("result", "abc...")
                .containsEntry("message", "Feature 'abbreviate' denied: 1 credit left (needs 2)");

        assertThat(r.fields("reverse")).containsEntry("returned", "2").containsEntry("denied", "2")
                .containsEntry("result", "cba").containsEntry("reason", "CAP_REACHED");

        // '+' on an interface: ToStringBuilder's only supertype outside the JDK is Builder; through the bridge too.
        assertThat(r.fields("build")).containsEntry("returned", "2").containsEntry("denied", "1")
                .containsEntry("message", "Feature 'build' denied: 0 credits left (needs 2)");

        assertThat(r.fields("free")).containsEntry("returned", "10").containsEntry("denied", "0");

        assertThat(r.line("plugin-loader")).isEqualTo("definedBy=plugin sameAsApp=false");
        assertThat(r.fields("plugin")).containsEntry("returned", "2").containsEntry("denied", "2")
                .containsEntry("result", "AbC").containsEntry("reason", "CREDITS_EXHAUSTED")
                .containsEntry("loader", "null");

        // At exit, one line per rule that matched nothing, with its file and line; the others are silent.
        Path file = dir.resolve("tollgate.yml");
        assertThat(r.agentLines().stream().filter(l -> l.contains("matched no method")).toList()).containsExactly(
                "[tollgate] warning: " + file + ":22: retrofit[5]: org.apache.commons.lang3.NoSuchType#nothing(..) "
                        + "matched no method in this run");
        assertThat(r.out()).contains("main finished");
    }

    @Test
    void brokenRulesAreReportedWithFileAndLineAndEveryMeteredCallIsDenied(@TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  credits: { capitalize: 3 }
                features:
                  capitalize: { mode: credits }
                retrofit:
                  - method: org.apache.commons.lang3.StringUtils#capitalize(java.lang.String)
                    feature: capitalize
                  - method: java.lang.String#length()
                    feature: capitalize
                  - method: "*#*(..)"
                    feature: capitalize
                  - method: org.apache.commons.lang3.StringUtils#StringUtils()
                    feature: capitalize
                  - method: org.apache.commons.lang3.**#reverse(..)
                    feature: capitalize
                """);
        ForkedJvm.Result r = retrofitted(ForkedJvm.jdks().get(0), dir, "capitalize=2", "free=2");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.fields("capitalize")).as(r.toString()).containsEntry("returned", "0").containsEntry("denied", "2")
                .containsEntry("reason", "MISCONFIGURED");
        assertThat(r.fields("free")).containsEntry("returned", "2");
        String file = dir.resolve("tollgate.yml").toString();
        assertThat(r.agentLines()).contains(
                "[tollgate] error: " + file + ":9: retrofit[1].method: 'java.lang.String' is in the Java platform "
                        + "(java.*, javax.*, jdk.*, sun.*, com.sun.*), which the agent never meters; meter the product's "
                        + "own method that calls it",
                "[tollgate] error: " + file + ":11: retrofit[2].method: '*' matches every class: name the package at "
                        + "least, e.g. com.acme.*Service#export*(..)",
                "[tollgate] error: " + file + ":13: retrofit[3].method: 'StringUtils' is the class's own name, so it "
                        + "means a constructor: constructors cannot be metered, because advice cannot skip a "
                        + "constructor's body; meter a method instead",
                "[tollgate] error: " + file + ":15: retrofit[4].method: '**' is not supported: '*' matches within one "
                        + "name and never across '.'; write one '*' per name (com.acme.*.Service), or use '+' on a "
                        + "common supertype",
                "[tollgate] error: every metered call is denied (misconfigured) until the 4 problem(s) above are fixed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void checkListsWhatTheRulesWouldMeterInTheJarAndFailsOnABrokenConfig(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", CONFIG);
        ForkedJvm.Result ok = ForkedJvm.java(jdk, dir, "-jar", ForkedJvm.agentJar().toString(), "check", "tollgate.yml",
                library().toString());

        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.err()).as("nothing on stderr").isEmpty();
        assertThat(ok.out()).startsWith("tollgate check: tollgate.yml; 1 jar, 0 folders, ")
                .contains("config: no problems (5 features, 6 retrofit rules)")
                .containsPattern("\\norg\\.apache\\.commons\\.lang3\\.StringUtils\\n(  .*\\n)*"
                        + "  capitalize\\(java\\.lang\\.String\\) +feature capitalize, cost 1 +retrofit rule tollgate\\.yml:11\\n")
                .containsPattern("\\n  abbreviate\\(java\\.lang\\.String, int\\) +feature abbreviate, cost 2 +retrofit rule "
                        + "tollgate\\.yml:13\\n")
                .containsPattern("\\n  reverse\\(java\\.lang\\.String\\) +feature reverse, cost 1 +retrofit rule "
                        + "tollgate\\.yml:16\\n")
                .as("one build() for ToStringBuilder: its bridge is not listed")
                .containsPattern("\\norg\\.apache\\.commons\\.lang3\\.builder\\.ToStringBuilder\\n  build\\(\\) +feature "
                        + "build, cost 2 +retrofit rule tollgate\\.yml:18\\n(?!  )")
                .contains("warning: tollgate.yml:22: retrofit[5]: org.apache.commons.lang3.NoSuchType#nothing(..) "
                        + "matched no method in the given jars and folders")
                .endsWith("check passed\n");

        ForkedJvm.write(dir, "broken.yml", CONFIG.replace("#capitalize(java.lang.String)", "#capitalize(String)"));
        ForkedJvm.Result broken = ForkedJvm.java(jdk, dir, "-jar", ForkedJvm.agentJar().toString(), "check",
                "broken.yml", library().toString(), "missing.jar");
        assertThat(broken.exit()).as(broken.toString()).isEqualTo(1);
        assertThat(broken.out()).contains(
                "error: broken.yml:11: retrofit[0].method: 'String' is not fully qualified: write java.lang.String",
                "error: missing.jar: not found")
                .endsWith("check failed: 2 errors\n");
    }
}
