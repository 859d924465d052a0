package dev.tollgate.agent.meter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.UsageDeniedException.Reason;
import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Counter;

/** A charge's verdict: the two ways to go are no denials, and a denial carries what its exception says. */
class VerdictTest {

    @Test
    void goAndGoUnchargedAreNotDenialsAndAreNotTheSame() {
        assertThat(Verdict.GO.denied()).isFalse();
        assertThat(Verdict.GO_UNCHARGED.denied()).isFalse();
        assertThat(Verdict.GO).isNotSameAs(Verdict.GO_UNCHARGED).hasToString("go");
        assertThat(Verdict.GO_UNCHARGED).hasToString("go uncharged");
    }

    @Test
    void aCallRefusedAtTheBoundIsCreditsExhaustedOrCapReachedWithTheCap() {
        Verdict credits = Verdict.boundReached(Counter.credits("export", 0), 1);
        Verdict usage = Verdict.boundReached(Counter.usage("render", 100), 0);

        assertThat(credits.reason).isEqualTo(Reason.CREDITS_EXHAUSTED);
        assertThat(credits.left).isEqualTo(1);
        assertThat(credits.cap).isEqualTo(UsageDeniedException.UNKNOWN);
        assertThat(usage.reason).isEqualTo(Reason.CAP_REACHED);
        assertThat(usage.left).isZero();
        assertThat(usage.cap).isEqualTo(100);
        assertThat(Verdict.boundReached(Counter.usage("render", Backend.NO_CAP), 0).cap)
                .isEqualTo(UsageDeniedException.UNKNOWN);
    }

    @Test
    void aDenialWhoseUnitsLeftAreNotKnownSaysUnknown() {
        Verdict v = Verdict.denied(Reason.BACKEND_UNAVAILABLE, -1, "connection refused");

        assertThat(v.denied()).isTrue();
        assertThat(v.left).isEqualTo(UsageDeniedException.UNKNOWN);
        assertThat(v).hasToString("denied: BACKEND_UNAVAILABLE (left -1): connection refused");
    }

    @Test
    void aMisconfiguredFeatureIsDeniedAsMisconfiguredWithTheBackendsWords() {
        Verdict v = new MisconfiguredCharge("feature 'export' is not configured in t.yml").charge(null, 2);

        assertThat(v.reason).isEqualTo(Reason.MISCONFIGURED);
        assertThat(v.detail).isEqualTo("feature 'export' is not configured in t.yml");
        assertThat(Verdict.misconfigured("export", "no such data object").detail).isEqualTo("no such data object");
    }
}
