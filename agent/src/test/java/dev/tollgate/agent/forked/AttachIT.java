package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code java -jar tollgate-agent.jar attach <pid> <config>} against real running JVMs ({@code fixtures.Waiting}):
 * classes loaded before the attach are metered from then on, so are classes loaded after it, a call in flight
 * is not charged, and a second attach changes nothing. JDK 21+ warns about dynamically loaded agents (JEP 451)
 * unless the target runs with {@code -XX:+EnableDynamicAgentLoading}.
 */
class AttachIT {

    private static final String JEP_451_WARNING = "WARNING: A Java agent has been loaded dynamically";

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anAttachMetersClassesLoadedBeforeAndAfterItAndASecondAttachChangesNothing(ForkedJvm.Jdk jdk,
            @TempDir Path dir) {
        Path config = ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  credits: { export: 3, late: 1, inflight: 2 }
                features:
                  export: { mode: credits }
                  late: { mode: credits }
                  inflight: { mode: credits }
                """);
        Path broken = ForkedJvm.write(dir, "broken.yml", "features:\n  export:\n    mode: prepaid\n");
        Path other = ForkedJvm.write(dir, "other.yml", """
                local:
                  dir: other-ledger
                  credits: { export: 100 }
                features:
                  export: { mode: credits }
                """);
        try (Target target = new Target(jdk, dir, dynamicLoadingAllowed(jdk))) {
            assertThat(target.await("ready")).containsEntry("export", "1").containsEntry("hold", "1")
                    .containsEntry("denialLoader", "app");
            String pid = target.pid();

            // A config with problems: refused with each problem, and nothing changes.
            ForkedJvm.Result refused = attach(jdk, dir, pid, "broken.yml");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).isEqualTo("tollgate: pid " + pid + " refused the attach: the config " + broken
                    + " has 1 problem(s); nothing was changed: fix them and attach again\n"
                    + "tollgate:   " + broken + ":3: features.export.mode: must be one of credits, usage, got 'prepaid'\n");
            assertThat(target.send("export 1")).as("still unmetered").containsEntry("returned", "1");

            ForkedJvm.Result attached = attach(jdk, dir, pid, "tollgate.yml");
            assertThat(attached.exit()).as(attached.toString()).isZero();
            assertThat(attached.err()).isEmpty();
            List<String> said = attached.out().lines().toList();
            assertThat(said).hasSize(3);
            assertThat(said.get(0)).isEqualTo("tollgate: attached to pid " + pid + " with config " + config);
            assertThat(said.get(1)).startsWith("tollgate: pid " + pid + " says: metering 3 feature(s) on the local "
                    + "ledger in " + dir.resolve("ledger") + " (config: " + config + "); attached to a running JVM; "
                    + "retransformed 2 of ").endsWith("; 0 failed");
            assertThat(said.get(2)).isEqualTo("tollgate: its [tollgate] lines are on its stderr");

            // Paid was loaded and called before the attach: metered from now on, denials caught as usual.
            assertThat(target.send("export 5")).containsEntry("returned", "3").containsEntry("denied", "2")
                    .containsEntry("bodies", "5").containsEntry("reason", "CREDITS_EXHAUSTED")
                    .containsEntry("sameClass", "true").containsEntry("loader", "app");
            // Late is loaded only now.
            assertThat(target.send("late 3")).containsEntry("returned", "1").containsEntry("denied", "2")
                    .containsEntry("bodies", "1");
            // hold() entered before the attach: it is not charged, the step() it calls now is.
            assertThat(target.send("release")).containsEntry("hold", "1").containsEntry("step", "1");
            assertThat(target.send("step 3")).containsEntry("returned", "1").containsEntry("denied", "2")
                    .containsEntry("bodies", "2");

            // A second attach with another config is refused and changes nothing.
            ForkedJvm.Result second = attach(jdk, dir, pid, "other.yml");
            assertThat(second.exit()).as(second.toString()).isEqualTo(1);
            assertThat(second.out()).isEmpty();
            String refusal = "the agent already runs in this JVM (started by attach with config " + config
                    + "); this attach with config " + other + " changed nothing: restart the JVM to change the config";
            assertThat(second.err()).isEqualTo("tollgate: pid " + pid + " refused the attach: " + refusal + "\n");
            assertThat(target.send("export 1")).as("still the first config's ledger").containsEntry("returned", "0")
                    .containsEntry("denied", "1");

            ForkedJvm.Result r = target.quit();
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.agentLines()).contains(
                    "[tollgate] error: " + broken + ":3: features.export.mode: must be one of credits, usage, got "
                            + "'prepaid'",
                    "[tollgate] error: this attach changed nothing: fix the 1 problem(s) above and attach again",
                    "[tollgate] metering 3 feature(s) on the local ledger in " + dir.resolve("ledger") + " (config: "
                            + config + "); attached to a running JVM",
                    "[tollgate] warning: " + refusal);
            assertThat(r.agentLines()).anyMatch(l -> l.matches("\\[tollgate] retransformed 2 of \\d+ loaded classes "
                    + "\\(those that may have metered methods\\); \\d+ metered method\\(s\\) known; 0 failed"));
            assertThat(r.err()).as("-XX:+EnableDynamicAgentLoading silences JEP 451").doesNotContain(JEP_451_WARNING);
            assertThat(dir.resolve("other-ledger")).doesNotExist();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anAttachToAJvmStartedWithTheAgentChangesNothing(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        Path config = ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  credits: { export: 3 }
                features:
                  export: { mode: credits }
                """);
        Path other = ForkedJvm.write(dir, "other.yml", """
                local:
                  dir: other-ledger
                  credits: { export: 100 }
                features:
                  export: { mode: credits }
                """);
        // No -XX:+EnableDynamicAgentLoading: JDK 21+ warns even though this attach is refused.
        try (Target target = new Target(jdk, dir, List.of(ForkedJvm.agentOption("tollgate.yml")))) {
            assertThat(target.await("ready")).containsEntry("export", "1");
            String pid = target.pid();

            ForkedJvm.Result second = attach(jdk, dir, pid, other.toString());
            assertThat(second.exit()).as(second.toString()).isEqualTo(1);
            assertThat(second.err()).isEqualTo("tollgate: pid " + pid + " refused the attach: the agent already runs "
                    + "in this JVM (started by -javaagent with config " + config + "); this attach with config " + other
                    + " changed nothing: restart the JVM to change the config\n");
            assertThat(target.send("export 5")).as("one of the 3 credits went before the attach")
                    .containsEntry("returned", "2").containsEntry("denied", "3");

            ForkedJvm.Result r = target.quit();
            assertThat(r.exit()).as(r.toString()).isZero();
            if (feature(jdk) >= 21) {
                assertThat(r.err()).contains(JEP_451_WARNING);
            } else {
                assertThat(r.err()).doesNotContain(JEP_451_WARNING);
            }
            assertThat(dir.resolve("other-ledger")).doesNotExist();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aTargetThatDisallowsAttachingIsNamedWithTheFlagToChange(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", "features:\n  export: { mode: credits }\n");
        assertRefused(jdk, dir, List.of("-XX:+DisableAttachMechanism"), "does not accept attaching (it runs with "
                + "-XX:+DisableAttachMechanism); restart it without that flag, or with "
                + "-javaagent:tollgate-agent.jar=<config.yml>");
        if (feature(jdk) >= 21) {
            assertRefused(jdk, dir, List.of("-XX:-EnableDynamicAgentLoading"), "does not allow loading agents into it "
                    + "(it runs with -XX:-EnableDynamicAgentLoading); restart it with -XX:+EnableDynamicAgentLoading, "
                    + "or with -javaagent:tollgate-agent.jar=<config.yml>");
        }
    }

    private static void assertRefused(ForkedJvm.Jdk jdk, Path dir, List<String> options, String line) {
        try (Target target = new Target(jdk, dir, options)) {
            target.await("ready");
            ForkedJvm.Result r = attach(jdk, dir, target.pid(), "tollgate.yml");
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("tollgate: pid " + target.pid() + " " + line + "\n");
            assertThat(target.send("export 2")).as("unmetered").containsEntry("returned", "2");
            assertThat(target.quit().exit()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void pidsThatAreNoAttachableJvmAreRefusedWithoutHarm(ForkedJvm.Jdk jdk, @TempDir Path dir) throws Exception {
        ForkedJvm.write(dir, "tollgate.yml", "features:\n  export: { mode: credits }\n");

        ForkedJvm.Result none = attach(jdk, dir, "2147483647", "tollgate.yml");
        assertThat(none.exit()).as(none.toString()).isEqualTo(1);
        assertThat(none.err()).isEqualTo("tollgate: no process with pid 2147483647; `jps -l` lists the Java processes "
                + "you can attach to\n");

        // The handshake's SIGQUIT would end a process that does not handle it (JDK 17 sends it unasked).
        Process sleep = new ProcessBuilder("sleep", "300").start();
        try {
            ForkedJvm.Result notJava = attach(jdk, dir, Long.toString(sleep.pid()), "tollgate.yml");
            assertThat(notJava.exit()).as(notJava.toString()).isEqualTo(1);
            assertThat(notJava.err()).isEqualTo("tollgate: pid " + sleep.pid() + " is not a Java process that can be "
                    + "attached to (it does not handle the attach signal, SIGQUIT); `jps -l` lists the Java processes\n");
            assertThat(sleep.isAlive()).as("the process was not signalled").isTrue();
        } finally {
            sleep.destroyForcibly();
        }

        ForkedJvm.Result noApi = ForkedJvm.java(jdk, dir, "--limit-modules", "java.base,java.instrument", "-jar",
                ForkedJvm.agentJar().toString(), "attach", "4242", "tollgate.yml");
        assertThat(noApi.exit()).as(noApi.toString()).isEqualTo(1);
        assertThat(noApi.err()).startsWith("tollgate: this java has no attach API (module jdk.attach, or tools.jar on "
                + "Java 8); run the command with the java of a JDK (");
    }

    @Test
    void badUsageExitsWith2AndAMissingConfigWith1(@TempDir Path dir) {
        ForkedJvm.Jdk jdk = ForkedJvm.jdks().get(0);
        ForkedJvm.Result noArguments = ForkedJvm.java(jdk, dir, "-jar", ForkedJvm.agentJar().toString(), "attach");
        assertThat(noArguments.exit()).as(noArguments.toString()).isEqualTo(2);
        assertThat(noArguments.err()).isEqualTo("tollgate: attach needs a process id and a config file, got 0 "
                + "argument(s)\nusage: java -jar tollgate-agent.jar attach <pid> <config.yml>\n");

        ForkedJvm.Result notAPid = attach(jdk, dir, "my-app", "tollgate.yml");
        assertThat(notAPid.exit()).as(notAPid.toString()).isEqualTo(2);
        assertThat(notAPid.err()).startsWith("tollgate: 'my-app' is not a process id");

        ForkedJvm.Result missing = attach(jdk, dir, "4242", "missing.yml");
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("tollgate: config file not found: " + dir.resolve("missing.yml") + "; "
                + "name the tollgate.yml the target should use (a relative path is resolved against " + dir + ")\n");
    }

    private static ForkedJvm.Result attach(ForkedJvm.Jdk jdk, Path dir, String pid, String config) {
        return ForkedJvm.java(jdk, dir, "-jar", ForkedJvm.agentJar().toString(), "attach", pid, config);
    }

    /** JDK 21+ warns about an agent loaded into a running JVM unless it allows dynamic loading (JEP 451). */
    private static List<String> dynamicLoadingAllowed(ForkedJvm.Jdk jdk) {
        return feature(jdk) >= 21 ? List.of("-XX:+EnableDynamicAgentLoading") : List.of();
    }

    private static int feature(ForkedJvm.Jdk jdk) {
        Matcher m = Pattern.compile("jdk(\\d+)").matcher(jdk.name());
        if (!m.matches()) {
            throw new IllegalStateException("cannot tell the Java version of " + jdk.home() + " (" + jdk.name() + ")");
        }
        return Integer.parseInt(m.group(1));
    }

    /** A running {@code fixtures.Waiting}: commands go to its stdin, each answered by one stdout line. */
    private static final class Target implements AutoCloseable {
        private final Process process;
        private final Writer in;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuffer out = new StringBuffer();
        private final StringBuffer err = new StringBuffer();
        private final Thread outReader;
        private final Thread errReader;

        Target(ForkedJvm.Jdk jdk, Path dir, List<String> options) {
            process = ForkedJvm.start(jdk, dir, options, List.of(), "fixtures.Waiting");
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            outReader = read(process.getInputStream(), out, lines);
            errReader = read(process.getErrorStream(), err, null);
        }

        private static Thread read(InputStream stream, StringBuffer into, BlockingQueue<String> queue) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        into.append(line).append('\n');
                        if (queue != null) {
                            queue.add(line);
                        }
                    }
                } catch (IOException e) {
                    into.append("(reading failed: ").append(e).append(")\n");
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }

        String pid() {
            return Long.toString(process.pid());
        }

        /** The fields of the next stdout line named {@code name}. */
        Map<String, String> await(String name) {
            try {
                for (;;) {
                    String line = lines.poll(ForkedJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    if (line == null) {
                        throw new AssertionError("no '" + name + ":' line from the target in " + ForkedJvm.TIMEOUT_SECONDS
                                + " s; stdout:\n" + out + "stderr:\n" + err);
                    }
                    if (line.startsWith(name + ": ")) {
                        return new ForkedJvm.Result(0, line + "\n", "").fields(name);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        Map<String, String> send(String command) {
            try {
                in.write(command + "\n");
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("the target is gone; stderr:\n" + err, e);
            }
            return await(command.split(" ")[0]);
        }

        /** Ends the target and returns everything it printed. */
        ForkedJvm.Result quit() {
            send("quit");
            try {
                in.close();
                if (!process.waitFor(ForkedJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("the target did not end in " + ForkedJvm.TIMEOUT_SECONDS + " s");
                }
                outReader.join();
                errReader.join();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            return new ForkedJvm.Result(process.exitValue(), out.toString(), err.toString());
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
