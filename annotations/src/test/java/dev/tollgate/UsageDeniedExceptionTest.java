package dev.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.tollgate.UsageDeniedException.Reason;

class UsageDeniedExceptionTest {

    /** What a vendor writes to configure its own exception. */
    static final class OutOfCreditsException extends UsageDeniedException {
        private static final long serialVersionUID = 1L;

        OutOfCreditsException(UsageDeniedException denial) {
            super(denial);
        }
    }

    @Test
    void noCreditsLeftSaysWhatWasNeededAndWhatIsLeft() {
        UsageDeniedException e = new UsageDeniedException("export", Reason.CREDITS_EXHAUSTED, 1, 0, null);

        assertThat(e).hasMessage("Feature 'export' denied: 0 credits left (needs 1)");
    }

    @Test
    void oneCreditLeftIsSaidInTheSingular() {
        UsageDeniedException e = new UsageDeniedException("export", Reason.CREDITS_EXHAUSTED, 2, 1, null);

        assertThat(e).hasMessage("Feature 'export' denied: 1 credit left (needs 2)");
    }

    @Test
    void aReachedCapSaysHowMuchWasUsedOfTheCap() {
        UsageDeniedException e = new UsageDeniedException("charts", Reason.CAP_REACHED, 5, 2, 10, null);

        assertThat(e).hasMessage("Feature 'charts' denied: usage cap reached: used 8 of 10 (needs 5)");
        assertThat(e.getCap()).isEqualTo(10);
        assertThat(e.getUnitsLeft()).isEqualTo(2);
    }

    @Test
    void aReachedCapWithoutAKnownCapSaysTheRoomLeft() {
        UsageDeniedException e = new UsageDeniedException("charts", Reason.CAP_REACHED, 5, 2, null);

        assertThat(e).hasMessage("Feature 'charts' denied: usage cap reached (needs 5, room for 2)");
        assertThat(e.getCap()).isEqualTo(UsageDeniedException.UNKNOWN);
    }

    @Test
    void aKnownCapWithUnknownUsageSaysTheCap() {
        UsageDeniedException e = new UsageDeniedException("charts", Reason.CAP_REACHED, 5,
                UsageDeniedException.UNKNOWN, 10, null);

        assertThat(e).hasMessage("Feature 'charts' denied: usage cap reached: the cap is 10 (needs 5)");
    }

    @ParameterizedTest
    @CsvSource({"CREDITS_EXHAUSTED, Feature 'export' denied: no credits left (needs 3)",
        "CAP_REACHED, Feature 'export' denied: usage cap reached (needs 3)"})
    void unknownUnitsLeftAreOmitted(Reason reason, String message) {
        UsageDeniedException e = new UsageDeniedException("export", reason, 3, UsageDeniedException.UNKNOWN, null);

        assertThat(e).hasMessage(message);
        assertThat(e.getUnitsLeft()).isEqualTo(UsageDeniedException.UNKNOWN).isEqualTo(-1);
    }

    @ParameterizedTest
    @CsvSource({"BACKEND_UNAVAILABLE, Feature 'export' denied: licensing backend unavailable",
        "MISCONFIGURED, Feature 'export' denied: misconfigured"})
    void failuresDoNotTalkAboutUnits(Reason reason, String message) {
        UsageDeniedException e = new UsageDeniedException("export", reason, 3, 7, null);

        assertThat(e).hasMessage(message);
    }

    @Test
    void theDetailIsAppended() {
        assertThat(new UsageDeniedException("export", Reason.CREDITS_EXHAUSTED, 1, 0, "buy more at acme.example"))
                .hasMessage("Feature 'export' denied: 0 credits left (needs 1): buy more at acme.example");
        assertThat(new UsageDeniedException("export", Reason.BACKEND_UNAVAILABLE, 1, -1, "connect timed out"))
                .hasMessage("Feature 'export' denied: licensing backend unavailable: connect timed out");
        assertThat(new UsageDeniedException("export", Reason.MISCONFIGURED, 1, -1,
                "ledger file /var/lib/acme/export.counter is corrupt"))
                .hasMessage("Feature 'export' denied: misconfigured: ledger file /var/lib/acme/export.counter is "
                        + "corrupt");
    }

    @Test
    void anEmptyDetailIsNotAppended() {
        UsageDeniedException e = new UsageDeniedException("export", Reason.MISCONFIGURED, 1, -1, "");

        assertThat(e).hasMessage("Feature 'export' denied: misconfigured");
        assertThat(e.getDetail()).isEmpty();
    }

    @Test
    void aMissingReasonIsStatedAsUnknown() {
        UsageDeniedException e = new UsageDeniedException("export", null, 1, 0, "why not");

        assertThat(e).hasMessage("Feature 'export' denied: unknown reason: why not");
        assertThat(e.getReason()).isNull();
    }

    @Test
    void everyFieldIsKept() {
        UsageDeniedException e = new UsageDeniedException("export", Reason.CREDITS_EXHAUSTED, 4, 3, "top up");

        assertThat(e.getFeature()).isEqualTo("export");
        assertThat(e.getReason()).isEqualTo(Reason.CREDITS_EXHAUSTED);
        assertThat(e.getUnitsRequested()).isEqualTo(4);
        assertThat(e.getUnitsLeft()).isEqualTo(3);
        assertThat(e.getDetail()).isEqualTo("top up");
        assertThat(e.getCause()).isNull();
        assertThat(e).isInstanceOf(RuntimeException.class);
    }

    @Test
    void theCopyConstructorKeepsEveryField() {
        UsageDeniedException denial = new UsageDeniedException("charts", Reason.CAP_REACHED, 5, 2, 100, "top up");

        OutOfCreditsException copy = new OutOfCreditsException(denial);

        assertThat(copy).isInstanceOf(UsageDeniedException.class).hasMessage(denial.getMessage());
        assertThat(copy.getFeature()).isEqualTo("charts");
        assertThat(copy.getReason()).isEqualTo(Reason.CAP_REACHED);
        assertThat(copy.getUnitsRequested()).isEqualTo(5);
        assertThat(copy.getUnitsLeft()).isEqualTo(2);
        assertThat(copy.getCap()).isEqualTo(100);
        assertThat(copy.getDetail()).isEqualTo("top up");
        assertThat(copy.getCause()).as("a copy is the denial; it has no cause").isNull();
    }

    @Test
    void theCopyConstructorKeepsUnknownValues() {
        UsageDeniedException denial = new UsageDeniedException("export", null, 1, UsageDeniedException.UNKNOWN, null);

        OutOfCreditsException copy = new OutOfCreditsException(denial);

        assertThat(copy).hasMessage("Feature 'export' denied: unknown reason");
        assertThat(copy.getReason()).isNull();
        assertThat(copy.getUnitsLeft()).isEqualTo(UsageDeniedException.UNKNOWN);
        assertThat(copy.getDetail()).isNull();
    }

    @Test
    void reasonsReadAsShortPhrases() {
        assertThat(Reason.CREDITS_EXHAUSTED.text()).isEqualTo("no credits left");
        assertThat(Reason.CAP_REACHED.text()).isEqualTo("usage cap reached");
        assertThat(Reason.BACKEND_UNAVAILABLE.text()).isEqualTo("licensing backend unavailable");
        assertThat(Reason.MISCONFIGURED.text()).isEqualTo("misconfigured");
    }
}
