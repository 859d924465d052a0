package dev.tollgate.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's own logger: prefixed lines on its stream, levels, once-only reports, and no secrets. */
class LogTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<String> heard = new ArrayList<>();
    private final Consumer<String> listener = heard::add;

    @BeforeEach
    void capture() {
        Log.printTo(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        Log.listen(listener);
        Log.level("info");
    }

    @AfterEach
    void restore() {
        Log.unlisten(listener);
        Log.printTo(System.err);
        Log.level("info");
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void linesArePrefixedAndSayTheirSeverity() {
        Log.info("metering 2 feature(s)");
        Log.warn("no features configured");
        Log.error("tollgate.yml:3: features.export.mode: missing");

        assertThat(printed().lines()).containsExactly(
                "[tollgate] metering 2 feature(s)",
                "[tollgate] warning: no features configured",
                "[tollgate] error: tollgate.yml:3: features.export.mode: missing");
        assertThat(heard).hasSize(3);
    }

    @Test
    void aRegisteredSecretNeverReachesTheOutputOrAListener() {
        String token = "WyI0NjUiLCJzZWNyZXQtdG9rZW4tZm9yLXRlc3RzIl0=";
        Log.secret(token);

        Log.error("the server rejected token " + token + " twice: " + token);

        assertThat(printed()).doesNotContain(token).contains("rejected token <redacted> twice: <redacted>");
        assertThat(heard).noneMatch(l -> l.contains(token));
        assertThat(Log.redact("token=" + token)).isEqualTo("token=<redacted>");
    }

    @Test
    void tooShortSecretsAreNotRegisteredSoOrdinaryWordsSurvive() {
        Log.secret("abc");
        Log.info("abc is printed as it is");
        assertThat(printed()).contains("abc is printed as it is");
    }

    @Test
    void aReportOnAHotPathIsPrintedOnce() {
        for (int i = 0; i < 1000; i++) {
            Log.warnOnce("LogTest:unavailable", "backend unavailable, call " + i);
        }
        assertThat(printed().lines()).containsExactly("[tollgate] warning: backend unavailable, call 0");
    }

    @Test
    void theLevelHidesWhatIsBelowIt() {
        Log.level("warn");
        Log.debug("hidden");
        Log.info("hidden too");
        Log.warn("shown");
        Log.level("off");
        Log.error("also hidden");

        assertThat(printed().lines()).containsExactly("[tollgate] warning: shown");
    }

    @Test
    void anUnknownLevelNameChangesNothingAndIsNotALevel() {
        Log.level("loud");
        Log.info("still shown");
        assertThat(printed()).contains("still shown");
        assertThat(Log.isLevel("loud")).isFalse();
        assertThat(Log.isLevel("DEBUG")).isTrue();
    }

    @Test
    void aFailingListenerDoesNotStopTheLine() {
        Consumer<String> failing = l -> {
            throw new IllegalStateException("listener bug");
        };
        Log.listen(failing);
        try {
            Log.info("still printed");
        } finally {
            Log.unlisten(failing);
        }
        assertThat(printed()).contains("still printed");
        assertThat(heard).containsExactly("[tollgate] still printed");
    }
}
