package dev.tollgate.agent.backend.cryptolens;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Retry-After header of a 429: seconds or an HTTP date; anything else asks for no particular wait. */
class RetryAfterTest {

    /** Wed, 21 Oct 2026 07:28:00 GMT. */
    private static final long NOW = 1_792_567_680_000L;

    @Test
    void secondsAreReadAsMilliseconds() {
        assertThat(RetryAfter.millis("2", NOW)).isEqualTo(2000);
        assertThat(RetryAfter.millis(" 120 ", NOW)).isEqualTo(120_000);
    }

    @Test
    void anHttpDateIsTheTimeFromNowUntilThen() {
        assertThat(RetryAfter.millis("Wed, 21 Oct 2026 07:28:05 GMT", NOW)).isEqualTo(5000);
    }

    @Test
    void aDateInThePastAsksForNoWait() {
        assertThat(RetryAfter.millis("Wed, 21 Oct 2026 07:27:00 GMT", NOW)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "soon", "-1", "1.5", "0x10", "Wed, 21 Oct 2026"})
    void aValueThatIsNeitherAsksForNoWait(String header) {
        assertThat(RetryAfter.millis(header, NOW)).isZero();
    }

    @Test
    void anAbsentHeaderAsksForNoWait() {
        assertThat(RetryAfter.millis(null, NOW)).isZero();
    }

    @Test
    void aHugeValueIsCutToADay() {
        assertThat(RetryAfter.millis("99999999999999999999999", NOW)).isEqualTo(RetryAfter.LONGEST_MILLIS);
        assertThat(RetryAfter.millis("86401", NOW)).isEqualTo(RetryAfter.LONGEST_MILLIS);
    }

    @Test
    void secondsAreShownWithOneDecimalWhenNotWhole() {
        assertThat(RetryAfter.seconds(3000)).isEqualTo("3 s");
        assertThat(RetryAfter.seconds(1500)).isEqualTo("1.5 s");
    }
}
