package dev.tollgate.agent.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tollgate.agent.log.Log;

/** What a start attempt publishes for the attach command, and what a second start says. */
class RunningTest {

    private final List<String> logged = new ArrayList<>();
    private final Consumer<String> listener = logged::add;

    @BeforeEach
    void listen() {
        Running.reset();
        Log.listen(listener);
    }

    @AfterEach
    void reset() {
        Log.unlisten(listener);
        Running.reset();
    }

    private static String status() {
        return System.getProperty(Running.STATUS);
    }

    @Test
    void aStartPublishesWhatItMeters() {
        Running.started(true, "/etc/acme/tollgate.yml", "metering 2 feature(s)");
        assertThat(status()).isEqualTo("started: metering 2 feature(s)");
    }

    @Test
    void aSecondStartChangesNothingAndSaysWhichConfigRunsAndHowToChangeIt() {
        Running.started(false, "/etc/acme/tollgate.yml", "metering 2 feature(s)");
        Running.alreadyRunning("/tmp/other.yml", true);

        String line = "the agent already runs in this JVM (started by -javaagent with config /etc/acme/tollgate.yml); "
                + "this attach with config /tmp/other.yml changed nothing: restart the JVM to change the config";
        assertThat(status()).isEqualTo("refused: " + line);
        assertThat(logged).containsExactly("[tollgate] warning: " + line);
    }

    @Test
    void aStartAfterWovenClassesStartedTheRuntimeIsRefusedNamingThem() {
        assertThat(Running.isRunning()).isFalse();
        Running.started(Startup.Way.WOVEN.how, "/a.yml", "metering 1 feature(s)", null);
        assertThat(Running.isRunning()).isTrue();

        Running.alreadyRunning("/b.yml", true);

        assertThat(status()).isEqualTo("refused: the agent already runs in this JVM (started by woven classes with "
                + "config /a.yml); this attach with config /b.yml changed nothing: restart the JVM to change the config");
    }

    @Test
    void aSecondJavaagentWithoutAnArgumentIsRefusedToo() {
        Running.started(true, "/a.yml", "metering 1 feature(s)");
        Running.alreadyRunning(null, false);
        assertThat(status()).isEqualTo("refused: the agent already runs in this JVM (started by attach with config "
                + "/a.yml); this -javaagent changed nothing: restart the JVM to change the config");
    }

    @Test
    void aStartWhileTheFirstIsStillStartingOrHasFailedIsRefused() {
        Running.alreadyRunning("/b.yml", true);
        assertThat(status()).startsWith("refused: the agent is already starting in this JVM; this attach");

        Running.failed(new IllegalStateException("boom"));
        assertThat(status()).isEqualTo("failed: the agent failed to start and meters nothing: "
                + "java.lang.IllegalStateException: boom");
        Running.alreadyRunning("/b.yml", true);
        assertThat(status()).startsWith("refused: the agent already failed to start in this JVM (see the lines above)");
    }

    @Test
    void aRefusedConfigListsItsProblemsOnePerLine() {
        Running.refusedConfig("/a.yml", List.of("/a.yml:3: features.export.mode: required", "/a.yml:5: x: unknown key"));
        assertThat(status()).isEqualTo("refused: the config /a.yml has 2 problem(s); nothing was changed: fix them and "
                + "attach again\n/a.yml:3: features.export.mode: required\n/a.yml:5: x: unknown key");
    }

    @Test
    void secretsNeverReachTheStatus() {
        Log.secret("tok-RunningTest-3f9c");
        Running.started(true, "/a.yml", "cryptolens with tok-RunningTest-3f9c");
        assertThat(status()).isEqualTo("started: cryptolens with <redacted>");
    }
}
