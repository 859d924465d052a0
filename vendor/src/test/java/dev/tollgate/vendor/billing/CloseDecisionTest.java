package dev.tollgate.vendor.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.vendor.api.DataValue;
import dev.tollgate.vendor.api.KeyData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every state a key can be found in during a close, and the one step each leads to. */
class CloseDecisionTest {
    static final Seal SEAL = Seal.of("vendor-secret");
    static final Period NOV = Period.parse("2026-11");
    static final Period DEC = Period.parse("2026-12");
    static final int TAG = 1 << 30;

    private final List<DataValue> objects = new ArrayList<>();

    private KeyData key() {
        return new KeyData("K", objects);
    }

    private CloseDecisionTest counter(int value) {
        objects.add(new DataValue(objects.size() + 1, "render", value, null));
        return this;
    }

    private CloseDecisionTest record(Period period, int read, int billed, Mode mode, Phase phase) {
        CloseRecord r = new CloseRecord("render", period, read, billed, mode, phase);
        objects.add(new DataValue(objects.size() + 1, r.name(), phase.code, r.stringValue(SEAL)));
        return this;
    }

    private Step<CloseDecision.Closed> next(Period period, Mode mode) {
        return new CloseDecision("render", period, mode, false, SEAL).next(key());
    }

    @Test
    void aKeyNotYetClosedGetsASealedIntentRecordFirst() {
        counter(120);
        Step<CloseDecision.Closed> step = next(NOV, Mode.RESET);
        assertThat(step).isInstanceOf(Step.Add.class);
        Step.Add<CloseDecision.Closed> add = (Step.Add<CloseDecision.Closed>) step;
        assertThat(add.name()).isEqualTo("tollgate.close.render.202611");
        assertThat(add.intValue()).isEqualTo(Phase.INTENT.code);
        assertThat(add.stringValue()).startsWith("{\"read\":120,\"billed\":120,\"mode\":\"reset\",\"seal\":\"");
    }

    @Test
    void anIntentWithAnUntaggedCounterTagsTheCounter() {
        counter(125).record(NOV, 120, 120, Mode.RESET, Phase.INTENT);
        assertThat(next(NOV, Mode.RESET)).isEqualTo(new Step.Increment<>("render", TAG));
    }

    @Test
    void anIntentWithATaggedCounterMeansTheTagWasAppliedAndIsMarked() {
        counter(125 + TAG).record(NOV, 120, 120, Mode.RESET, Phase.INTENT);
        assertThat(next(NOV, Mode.RESET)).isEqualTo(new Step.SetInt<>("tollgate.close.render.202611", Phase.TAGGED.code));
    }

    @Test
    void aTaggedCounterLosesTagAndBilledUnitsInOneAtomicStep() {
        counter(125 + TAG).record(NOV, 120, 120, Mode.RESET, Phase.TAGGED);
        assertThat(next(NOV, Mode.RESET)).isEqualTo(new Step.Decrement<>("render", TAG + 120));
    }

    @Test
    void aMarkedRecordWithAnUntaggedCounterMeansTheDecrementHappenedAndIsMarkedDone() {
        counter(5).record(NOV, 120, 120, Mode.RESET, Phase.TAGGED);
        assertThat(next(NOV, Mode.RESET)).isEqualTo(new Step.SetInt<>("tollgate.close.render.202611", Phase.DONE.code));
    }

    @Test
    void aDoneRecordEndsTheCloseWithWhatItBilled() {
        counter(5).record(NOV, 120, 120, Mode.RESET, Phase.DONE);
        Step<CloseDecision.Closed> step = next(NOV, Mode.RESET);
        assertThat(step).isInstanceOf(Step.Done.class);
        CloseRecord record = ((Step.Done<CloseDecision.Closed>) step).result().record();
        assertThat(record.read()).isEqualTo(120);
        assertThat(record.billed()).isEqualTo(120);
    }

    @Test
    void aCarryBillsTheGrowthSinceTheLastCarryAndIsDoneAtOnce() {
        counter(175).record(NOV, 150, 50, Mode.CARRY, Phase.DONE);
        Step.Add<CloseDecision.Closed> add = (Step.Add<CloseDecision.Closed>) next(DEC, Mode.CARRY);
        assertThat(add.name()).isEqualTo("tollgate.close.render.202612");
        assertThat(add.intValue()).isEqualTo(Phase.DONE.code);
        assertThat(add.stringValue()).startsWith("{\"read\":175,\"billed\":25,\"mode\":\"carry\"");
    }

    @Test
    void aCloseAfterAResetBillsTheWholeCounter() {
        counter(9).record(NOV, 120, 120, Mode.RESET, Phase.DONE);
        Step.Add<CloseDecision.Closed> add = (Step.Add<CloseDecision.Closed>) next(DEC, Mode.CARRY);
        assertThat(add.stringValue()).startsWith("{\"read\":9,\"billed\":9,");
    }

    @Test
    void aResetOfAnEmptyOrMissingCounterIsDoneWithoutTouchingIt() {
        Step.Add<CloseDecision.Closed> add = (Step.Add<CloseDecision.Closed>) next(NOV, Mode.RESET);
        assertThat(add.intValue()).isEqualTo(Phase.DONE.code);
        assertThat(add.stringValue()).startsWith("{\"read\":0,\"billed\":0,");
    }

    @Test
    void aPeriodBeforeTheLastClosedOneIsRefused() {
        counter(5).record(DEC, 120, 120, Mode.RESET, Phase.DONE);
        assertThat(next(NOV, Mode.RESET)).isEqualTo(new Step.Failed<>(
                "2026-12 is already closed: periods close in order, 2026-11 can no longer be"));
    }

    @Test
    void anUnfinishedEarlierCloseMustBeFinishedFirst() {
        counter(5 + TAG).record(NOV, 120, 120, Mode.RESET, Phase.TAGGED);
        assertThat(next(DEC, Mode.RESET)).isEqualTo(new Step.Failed<>(
                "the close of 2026-11 is unfinished: run close --period 2026-11 first"));
    }

    @Test
    void aResetStartedIsNotFinishedAsACarry() {
        counter(125).record(NOV, 120, 120, Mode.RESET, Phase.INTENT);
        assertThat(next(NOV, Mode.CARRY)).isEqualTo(new Step.Failed<>(
                "the close of 2026-11 was started with --reset; finish it with --reset"));
    }

    @Test
    void aRecordTheCustomerCouldHaveAddedIsNotBelieved() {
        counter(120);
        CloseRecord forged = new CloseRecord("render", NOV, 0, 0, Mode.RESET, Phase.DONE);
        objects.add(new DataValue(9, forged.name(), Phase.DONE.code, forged.stringValue(Seal.of("guessed"))));
        assertThat(next(NOV, Mode.RESET)).isEqualTo(new Step.Failed<>("tollgate.close.render.202611 does not carry this "
                + "vendor's seal (added by someone else, or sealed with another token or TOLLGATE_RECORD_SECRET)"));
    }

    @Test
    void anObjectThatOnlyLooksLikeARecordIsRefused() {
        counter(120);
        objects.add(new DataValue(9, "tollgate.close.render.202611", 3, "not json"));
        assertThat(next(NOV, Mode.RESET)).isEqualTo(new Step.Failed<>(
                "tollgate.close.render.202611 is not a record this tool wrote"));
    }

    @Test
    void aCounterBelowTheCarriedValueWasChangedByHandAndIsRefused() {
        counter(100).record(NOV, 150, 150, Mode.CARRY, Phase.DONE);
        assertThat(next(DEC, Mode.CARRY)).isEqualTo(new Step.Failed<>("the counter render is 100, below the 150 carried "
                + "from 2026-11: it was changed by other means; settle it by hand"));
    }

    @Test
    void aCounterTooLargeToTagIsRefusedBeforeAnythingIsWritten() {
        counter(1 << 29);
        assertThat(next(NOV, Mode.RESET)).isInstanceOf(Step.Failed.class);
    }

    @Test
    void aDryRunShowsTheRowAndWritesNothing() {
        counter(120);
        Step<CloseDecision.Closed> step = new CloseDecision("render", NOV, Mode.RESET, true, SEAL).next(key());
        assertThat(step).isInstanceOf(Step.Done.class);
        CloseDecision.Closed closed = ((Step.Done<CloseDecision.Closed>) step).result();
        assertThat(closed.onKey()).isFalse();
        assertThat(closed.record().billed()).isEqualTo(120);
    }

    @Test
    void periodsAreYearAndMonthAndNothingElse() {
        assertThat(Period.parse("2026-11").code()).isEqualTo(202611);
        assertThatThrownBy(() -> Period.parse("2026-13")).hasMessage("a period is written YYYY-MM, e.g. 2026-11, not: 2026-13");
        assertThatThrownBy(() -> Period.parse("11/2026")).hasMessage("a period is written YYYY-MM, e.g. 2026-11, not: 11/2026");
    }
}
