package dev.tollgate.vendor.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.vendor.api.DataValue;
import dev.tollgate.vendor.api.KeyData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every state a key can be found in during a top-up, and the one step each leads to. */
class TopupDecisionTest {
    static final Seal SEAL = Seal.of("vendor-secret");
    static final int TAG = 1 << 30;

    private final List<DataValue> objects = new ArrayList<>();

    private Step<OrderRecord> next(int units) {
        return new TopupDecision("A-1001", "export", units, SEAL).next(new KeyData("K", objects));
    }

    private void counter(int value) {
        objects.add(new DataValue(1, "export", value, null));
    }

    private void order(int units, Phase phase) {
        OrderRecord r = new OrderRecord("A-1001", "export", units, phase);
        objects.add(new DataValue(2, r.name(), phase.code, r.stringValue(SEAL)));
    }

    @Test
    void aMissingCounterIsCreatedEmptyFirst() {
        assertThat(next(500)).isEqualTo(new Step.Add<>("export", 0, null));
    }

    @Test
    void anOrderNotSeenYetGetsASealedIntentRecord() {
        counter(20);
        Step.Add<OrderRecord> add = (Step.Add<OrderRecord>) next(500);
        assertThat(add.name()).isEqualTo("tollgate.order.A-1001");
        assertThat(add.intValue()).isEqualTo(Phase.INTENT.code);
        assertThat(add.stringValue()).startsWith("{\"feature\":\"export\",\"units\":500,\"seal\":\"");
    }

    @Test
    void theCreditsCounterIsTaggedDownwardsSoThatNothingIsSpentMeanwhile() {
        counter(20);
        order(500, Phase.INTENT);
        assertThat(next(500)).isEqualTo(new Step.Decrement<>("export", TAG));
    }

    @Test
    void aTaggedCounterIsMarkedThenLosesTheTagAndGainsTheUnitsInOneStep() {
        counter(20 - TAG);
        order(500, Phase.INTENT);
        assertThat(next(500)).isEqualTo(new Step.SetInt<>("tollgate.order.A-1001", Phase.TAGGED.code));
        objects.clear();
        counter(20 - TAG);
        order(500, Phase.TAGGED);
        assertThat(next(500)).isEqualTo(new Step.Increment<>("export", TAG + 500));
    }

    @Test
    void anUntaggedCounterAfterTheMarkMeansTheUnitsArrived() {
        counter(520);
        order(500, Phase.TAGGED);
        assertThat(next(500)).isEqualTo(new Step.SetInt<>("tollgate.order.A-1001", Phase.DONE.code));
    }

    @Test
    void anAppliedOrderAddsNothing() {
        counter(520);
        order(500, Phase.DONE);
        assertThat(next(500)).isInstanceOf(Step.Done.class);
    }

    @Test
    void anOrderIdUsedForOtherUnitsIsRefused() {
        counter(520);
        order(500, Phase.DONE);
        assertThat(next(50)).isEqualTo(new Step.Failed<>("order A-1001 was already used on this key for 500 units of export"));
    }

    @Test
    void aTopupThatWouldOverflowTheCounterIsRefusedBeforeAnyRecord() {
        counter(Integer.MAX_VALUE - 10);
        assertThat(next(500)).isInstanceOf(Step.Failed.class);
    }
}
