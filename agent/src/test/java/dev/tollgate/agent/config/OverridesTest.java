package dev.tollgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The order of the places a setting comes from: system property, then environment variable, then file. */
class OverridesTest {

    @Test
    void theSystemPropertyWinsOverTheEnvironmentAndTheFile() {
        Overrides.Choice c = Overrides.logLevel("debug", "warn", "error");

        assertThat(c.value()).isEqualTo("debug");
        assertThat(c.from()).isEqualTo("-Dtollgate.log.level");
        assertThat(c.problem()).isNull();
    }

    @Test
    void theEnvironmentWinsOverTheFile() {
        Overrides.Choice c = Overrides.logLevel(null, "WARN", "error");

        assertThat(c.value()).isEqualTo("warn");
        assertThat(c.from()).isEqualTo("TOLLGATE_LOG_LEVEL");
    }

    @Test
    void theFileIsUsedWhenNeitherPropertyNorEnvironmentSaysAnything() {
        Overrides.Choice c = Overrides.logLevel(" ", "", "error");

        assertThat(c.value()).isEqualTo("error");
        assertThat(c.from()).isEqualTo("log.level");
        assertThat(Overrides.logLevel(null, null, null).value()).isNull();
    }

    @Test
    void aValueThatIsNoLevelIsReportedAndTheNextPlaceIsUsed() {
        Overrides.Choice c = Overrides.logLevel("verbose", "loud", "warn");

        assertThat(c.value()).isEqualTo("warn");
        assertThat(c.problem()).isEqualTo("-Dtollgate.log.level: must be one of debug, info, warn, error, off, got "
                + "'verbose'; ignored; TOLLGATE_LOG_LEVEL: must be one of debug, info, warn, error, off, got 'loud'; "
                + "ignored");
    }

    @Test
    void onlyTheFiveLevelsAreLevels() {
        assertThat(Overrides.isLevel(" Info ")).isTrue();
        assertThat(Overrides.isLevel("trace")).isFalse();
        assertThat(Overrides.isLevel(null)).isFalse();
    }
}
