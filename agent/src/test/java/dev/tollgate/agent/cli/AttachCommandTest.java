package dev.tollgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;

import dev.tollgate.agent.boot.Running;

/**
 * The attach command's arguments, checks and messages, with the attach API and the operating system
 * faked; every error path is fed its bad input. The forked tests run the real thing.
 */
class AttachCommandTest {

    @TempDir
    Path dir;

    private Path config;
    private Path jar;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final FakeApi api = new FakeApi();
    private final FakeProcesses processes = new FakeProcesses();

    @BeforeEach
    void files() throws IOException {
        config = Files.writeString(dir.resolve("tollgate.yml"), "features: {}\n");
        jar = Files.writeString(dir.resolve("tollgate-agent.jar"), "not really a jar");
    }

    private int run(String... args) {
        return command(jar, api).run(args);
    }

    private AttachCommand command(Path agentJar, AttachCommand.AttachApi attachApi) {
        return new AttachCommand(dir, agentJar, attachApi, processes, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    // --- arguments

    @Test
    void theConfigPathIsMadeAbsoluteAgainstTheWorkingDirectory() throws Exception {
        AttachCommand.Request r = AttachCommand.parse(new String[] {"4242", "conf/../tollgate.yml"}, dir);
        assertThat(r.pid).isEqualTo("4242");
        assertThat(r.config).isEqualTo(dir.resolve("tollgate.yml"));
        assertThat(AttachCommand.parse(new String[] {" 7 ", "/etc/acme/t.yml"}, dir).config.toString())
                .isEqualTo("/etc/acme/t.yml");
    }

    @Test
    void anythingButAPidAndAConfigIsBadUsage() {
        assertUsage(new String[] {}, "attach needs a process id and a config file, got 0 argument(s)");
        assertUsage(new String[] {"4242"}, "attach needs a process id and a config file, got 1 argument(s)");
        assertUsage(new String[] {"4242", "a.yml", "b.yml"}, "got 3 argument(s)");
        for (String pid : new String[] {"abc", "-5", "0", "007", "12a", "", "99999999999", "2147483648"}) {
            assertUsage(new String[] {pid, "a.yml"}, "'" + pid + "' is not a process id (a positive whole number; "
                    + "`jps -l` lists the Java processes)");
        }
        assertUsage(new String[] {"4242", " "}, "the config file name is empty");
        assertUsage(new String[] {"4242", "a\0b.yml"}, "is not a valid path");
    }

    private void assertUsage(String[] args, String message) {
        assertThatThrownBy(() -> AttachCommand.parse(args, dir)).isInstanceOf(AttachCommand.UsageError.class)
                .hasMessageContaining(message);
    }

    @Test
    void badUsageExitsWith2AndPrintsTheUsageLine() {
        assertThat(run("4242")).isEqualTo(2);
        assertThat(err()).isEqualTo("tollgate: attach needs a process id and a config file, got 1 argument(s)\n"
                + "usage: java -jar tollgate-agent.jar attach <pid> <config.yml>\n");
        assertThat(api.attached).isEmpty();
    }

    // --- checks before attaching

    @Test
    void aMissingConfigFileIsRefusedBeforeAttaching() {
        assertThat(run("4242", "missing.yml")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate: config file not found: " + dir.resolve("missing.yml") + "; name the "
                + "tollgate.yml the target should use (a relative path is resolved against " + dir + ")\n");
        assertThat(api.attached).isEmpty();
    }

    @Test
    void aFolderIsNotAConfigFile() {
        assertThat(run("4242", ".")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate: " + dir + " is a folder, not a config file; name the tollgate.yml "
                + "the target should use\n");
    }

    @Test
    void withoutItsOwnJarTheCommandSaysHowToRunIt() {
        assertThat(command(null, api).run(new String[] {"4242", "tollgate.yml"})).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate: cannot find the agent jar this command runs from; run it as "
                + "java -jar tollgate-agent.jar attach <pid> <config.yml>\n");
    }

    @Test
    void runFromAFolderOfClassesTheRealCommandFindsNoJar() {
        assertThat(AttachCommand.ownJar()).as("the tests run from target/classes").isNull();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(AttachCommand.run(new String[] {"4242", config.toString()}, System.out, e)).isEqualTo(1);
        assertThat(err()).contains("cannot find the agent jar");
    }

    @Test
    void aJavaWithoutTheAttachApiIsToldToUseAJdk() {
        assertThat(command(jar, null).run(new String[] {"4242", "tollgate.yml"})).isEqualTo(1);
        assertThat(err()).startsWith("tollgate: this java has no attach API (module jdk.attach, or tools.jar on "
                + "Java 8); run the command with the java of a JDK (");
    }

    @Test
    void aPidWithoutAProcessIsRefusedBeforeAttaching() {
        processes.alive = false;
        assertThat(run("4242", "tollgate.yml")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate: no process with pid 4242; `jps -l` lists the Java processes you can "
                + "attach to\n");
        assertThat(api.attached).isEmpty();
    }

    @Test
    void aProcessThatWouldDieOfTheAttachSignalIsNotSentIt() {
        processes.handlesQuit = false;
        assertThat(run("4242", "tollgate.yml")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate: pid 4242 is not a Java process that can be attached to (it does not "
                + "handle the attach signal, SIGQUIT); `jps -l` lists the Java processes\n");
        assertThat(api.attached).isEmpty();
    }

    @Test
    void aListedJvmIsAttachedToEvenWhenItsSignalsCannotBeRead() {
        processes.alive = null;
        processes.handlesQuit = false;
        api.listed = true;
        assertThat(run("4242", "tollgate.yml")).isZero();
        processes.handlesQuit = null;
        api.listed = false;
        assertThat(run("4242", "tollgate.yml")).isZero();
        assertThat(api.attached).containsExactly("4242", "4242");
    }

    // --- attaching and loading

    @Test
    void aSuccessfulAttachPrintsWhatTheTargetSaid() {
        api.status = "started: metering 2 feature(s) on the local ledger in /l (config: " + config + "); attached to "
                + "a running JVM; retransformed 1 of 900 loaded classes";
        assertThat(run("4242", "tollgate.yml")).isZero();
        assertThat(api.loaded).containsExactly(jar + "=" + config);
        assertThat(out()).isEqualTo("tollgate: attached to pid 4242 with config " + config + "\n"
                + "tollgate: pid 4242 says: metering 2 feature(s) on the local ledger in /l (config: " + config + "); "
                + "attached to a running JVM; retransformed 1 of 900 loaded classes\n"
                + "tollgate: its [tollgate] lines are on its stderr\n");
        assertThat(err()).isEmpty();
        assertThat(api.detached).isTrue();
    }

    @Test
    void aSecondAttachIsRefusedByTheTargetAndTheCommandSaysSo() {
        api.status = "refused: the agent already runs in this JVM (started by -javaagent with config /a.yml); this "
                + "attach with config " + config + " changed nothing: restart the JVM to change the config";
        assertThat(run("4242", "tollgate.yml")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate: pid 4242 refused the attach: the agent already runs in this JVM "
                + "(started by -javaagent with config /a.yml); this attach with config " + config + " changed "
                + "nothing: restart the JVM to change the config\n");
        assertThat(out()).isEmpty();
        assertThat(api.detached).isTrue();
    }

    @Test
    void aConfigTheTargetFindsBrokenIsRefusedWithEachProblem() {
        api.status = "refused: the config /a.yml has 2 problem(s); nothing was changed: fix them and attach again\n"
                + "/a.yml:3: features.export.mode: required\n/a.yml:4: features.export.cots: unknown key";
        assertThat(run("4242", "tollgate.yml")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate: pid 4242 refused the attach: the config /a.yml has 2 problem(s); "
                + "nothing was changed: fix them and attach again\n"
                + "tollgate:   /a.yml:3: features.export.mode: required\n"
                + "tollgate:   /a.yml:4: features.export.cots: unknown key\n");
    }

    @Test
    void anAgentThatFailedToStartIsAFailure() {
        api.status = "failed: the agent failed to start and meters nothing: java.lang.OutOfMemoryError";
        assertThat(run("4242", "tollgate.yml")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate: the attach to pid 4242 failed: the agent failed to start and meters "
                + "nothing: java.lang.OutOfMemoryError; see its stderr\n");
    }

    @Test
    void aTargetThatSaysNothingIsPointedToItsStderr() {
        api.status = null;
        assertThat(run("4242", "tollgate.yml")).isZero();
        assertThat(out()).isEqualTo("tollgate: loaded the agent into pid 4242 with config " + config + "\n"
                + "tollgate: pid 4242 did not say what it did; see its stderr for [tollgate] lines\n");
        api.propertiesFail = true;
        assertThat(run("4242", "tollgate.yml")).isZero();
        assertThat(out()).contains("did not say what it did");
    }

    @Test
    void attachFailuresBecomeOneLineThatSaysWhatToDo() {
        assertAttachFails(new IOException("No such process"),
                "no process with pid 4242; `jps -l` lists the Java processes you can attach to");
        assertAttachFails(new IOException("non existent JVM pid: 4242"),
                "no process with pid 4242; `jps -l` lists the Java processes you can attach to");
        assertAttachFails(new AttachNotSupportedException("The VM does not support the attach mechanism"),
                "pid 4242 does not accept attaching (it runs with -XX:+DisableAttachMechanism); restart it without "
                        + "that flag, or with -javaagent:tollgate-agent.jar=<config.yml>");
        assertAttachFails(new IOException("well-known file /tmp/.java_pid4242 is not secure: file should be owned by "
                        + "the current user (which is 1000) but is owned by 1001"),
                "not permitted to attach to pid 4242 (well-known file /tmp/.java_pid4242 is not secure: file should be "
                        + "owned by the current user (which is 1000) but is owned by 1001); run the command as the "
                        + "user that runs the target JVM");
        assertAttachFails(new IOException("Operation not permitted"), "not permitted to attach to pid 4242");
        assertAttachFails(new SecurityException("attach"), "not permitted to attach to pid 4242");
        assertAttachFails(new AttachNotSupportedException("Unable to open socket file /tmp/.java_pid4242: target "
                        + "process 4242 doesn't respond within 10500ms or HotSpot VM not loaded"),
                "pid 4242 did not answer the attach request (Unable to open socket file /tmp/.java_pid4242: target "
                        + "process 4242 doesn't respond within 10500ms or HotSpot VM not loaded); it must be a running "
                        + "HotSpot JVM (not one started with -XX:+DisableAttachMechanism or -Xrs), by the same user");
        assertAttachFails(new AttachNotSupportedException("pid: 4242 cmd: 'sleep 30' state is not ready to "
                + "participate in attach handshake!"), "pid 4242 did not answer the attach request");
        assertAttachFails(new IllegalStateException("odd"), "cannot attach to pid 4242: IllegalStateException: odd; "
                + "check that it is a running JVM of the same user (`jps -l`)");
    }

    private void assertAttachFails(Exception thrown, String line) {
        api.attachFailure = new InvocationTargetException(thrown); // as reflection delivers it
        err.reset();
        assertThat(run("4242", "tollgate.yml")).isEqualTo(1);
        assertThat(err()).startsWith("tollgate: " + line).endsWith("\n").doesNotContain("\n\n");
        assertThat(err().lines()).hasSize(1);
    }

    @Test
    void loadFailuresBecomeOneLineThatSaysWhatToDo() {
        api.loadFailure = new AgentLoadException("Failed to load agent library: Dynamic agent loading is not enabled. "
                + "Use -XX:+EnableDynamicAgentLoading to launch target VM.");
        assertThat(run("4242", "tollgate.yml")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate: pid 4242 does not allow loading agents into it (it runs with "
                + "-XX:-EnableDynamicAgentLoading); restart it with -XX:+EnableDynamicAgentLoading, or with "
                + "-javaagent:tollgate-agent.jar=<config.yml>\n");
        assertThat(api.detached).isTrue();

        err.reset();
        api.loadFailure = new IOException("Connection reset");
        assertThat(run("4242", "tollgate.yml")).isEqualTo(1);
        assertThat(err()).isEqualTo("tollgate: pid 4242 could not load the agent: IOException: Connection reset; see "
                + "the target's stderr\n");
    }

    // --- the real operating system and attach API

    @Test
    void theOperatingSystemKnowsLiveAndDeadPids() {
        AttachCommand.OsProcesses os = new AttachCommand.OsProcesses();
        assertThat(os.alive(ProcessHandle.current().pid())).isTrue();
        assertThat(os.alive(Integer.MAX_VALUE)).isFalse();
        assertThat(os.handlesQuit(ProcessHandle.current().pid())).as("a JVM catches SIGQUIT").isTrue();
        assertThat(os.handlesQuit(Integer.MAX_VALUE)).as("cannot tell").isNull();
    }

    @Test
    void theCaughtSignalsAreReadFromProcStatus() throws IOException {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000004\n");
        assertThat(AttachCommand.OsProcesses.handlesQuit(status)).isTrue();
        Files.writeString(status, "Name:\tsleep\nSigCgt:\tfffffffffffffffb\n");
        assertThat(AttachCommand.OsProcesses.handlesQuit(status)).isFalse();
        Files.writeString(status, "Name:\tsleep\n");
        assertThat(AttachCommand.OsProcesses.handlesQuit(status)).isNull();
        Files.writeString(status, "SigCgt:\tnot hex\n");
        assertThat(AttachCommand.OsProcesses.handlesQuit(status)).isNull();
    }

    @Test
    void theJdksAttachApiIsFoundAndListsThisJvm() {
        AttachCommand.AttachApi real = AttachCommand.ReflectiveAttachApi.find();
        assertThat(real).isNotNull();
        assertThat(real.lists(Long.toString(ProcessHandle.current().pid()))).isTrue();
        assertThat(real.lists("2147483647")).isFalse();
    }

    @Test
    void theCliDispatchesAttachAndListsItInItsUsage() {
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(Cli.run(new String[] {"attach"}, o, e)).isEqualTo(2);
        assertThat(err()).contains("attach needs a process id and a config file").contains(AttachCommand.USAGE_LINE);
        assertThat(Cli.run(new String[] {"help"}, o, e)).isZero();
        assertThat(out()).contains("  attach <pid> <config.yml>\n");
    }

    private final class FakeApi implements AttachCommand.AttachApi {
        final List<String> attached = new ArrayList<>();
        final List<String> loaded = new ArrayList<>();
        boolean listed;
        boolean detached;
        boolean propertiesFail;
        Exception attachFailure;
        Exception loadFailure;
        String status = "started: fine";

        @Override
        public AttachCommand.Target attach(String pid) throws Exception {
            if (attachFailure != null) {
                throw attachFailure;
            }
            attached.add(pid);
            return new AttachCommand.Target() {
                @Override
                public void loadAgent(String agentJar, String argument) throws Exception {
                    if (loadFailure != null) {
                        throw new InvocationTargetException(loadFailure);
                    }
                    loaded.add(agentJar + "=" + argument);
                }

                @Override
                public Properties systemProperties() throws IOException {
                    if (propertiesFail) {
                        throw new IOException("gone");
                    }
                    Properties p = new Properties();
                    if (status != null) {
                        p.setProperty(Running.STATUS, status);
                    }
                    return p;
                }

                @Override
                public void detach() {
                    detached = true;
                }
            };
        }

        @Override
        public boolean lists(String pid) {
            return listed;
        }
    }

    private static final class FakeProcesses implements AttachCommand.Processes {
        Boolean alive = true;
        Boolean handlesQuit = true;

        @Override
        public Boolean alive(long pid) {
            return alive;
        }

        @Override
        public Boolean handlesQuit(long pid) {
            return handlesQuit;
        }
    }
}
