package dev.tollgate.agent.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tollgate.UsageDeniedException;

/** A counter owns the arithmetic that depends on its direction: credits go down to a floor, usage up to a cap. */
class CounterTest {

    /** Records each step as a line and answers GRANTED with the units as the value. */
    private static final class Steps implements Backend {
        final List<String> steps = new ArrayList<>();

        @Override
        public Outcome take(String counter, long units, long lowerBound) {
            steps.add("take " + counter + " " + units + " floor " + lowerBound);
            return Outcome.granted(units);
        }

        @Override
        public Outcome add(String counter, long units, long cap) {
            steps.add("add " + counter + " " + units + " cap " + (cap == NO_CAP ? "none" : String.valueOf(cap)));
            return Outcome.granted(units);
        }

        @Override
        public Outcome read(String counter) {
            return Outcome.granted(0);
        }

        @Override
        public String describe() {
            return "steps";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aChargeTakesCreditsAboveTheFloorAndAddsUsageUnderTheCap() {
        Steps backend = new Steps();

        Counter.credits("export", 5).charge(backend, 3);
        Counter.usage("render", 100).charge(backend, 2);
        Counter.usage("scan", Backend.NO_CAP).charge(backend, 1);

        assertThat(backend.steps).containsExactly("take export 3 floor 5", "add render 2 cap 100",
                "add scan 1 cap none");
    }

    @Test
    void aRefundGivesCreditsBackAndTakesUsageBackDownToZero() {
        Steps backend = new Steps();

        Counter.credits("export", 5).refund(backend, 3);
        Counter.usage("render", 100).refund(backend, 2);

        assertThat(backend.steps).containsExactly("add export 3 cap none", "take render 2 floor 0");
    }

    @Test
    void whatIsFreeIsTheCreditsAboveTheFloorOrTheRoomUnderTheCap() {
        assertThat(Counter.credits("export", 5).free(12)).isEqualTo(7);
        assertThat(Counter.usage("render", 100).free(30)).isEqualTo(70);
        assertThat(Counter.usage("render", 100).freeAfter(Outcome.boundReached(130))).as("never below 0").isZero();
        assertThat(Counter.credits("export", 0).freeAfter(Outcome.boundReached(Outcome.UNKNOWN)))
                .isEqualTo(UsageDeniedException.UNKNOWN);
    }

    @Test
    void theBalanceCountsUseTheCounterDoesNotShowYetInItsDirection() {
        assertThat(Counter.credits("export", 5).balance(100, 10)).as("credits left above the floor").isEqualTo(85);
        assertThat(Counter.usage("render", 100).balance(30, 4)).as("units used").isEqualTo(34);
    }

    @Test
    void onlyUsageWithACapHasACapAndOnlyUsageWithoutOneIsUnbounded() {
        assertThat(Counter.usage("render", 100).cap()).isEqualTo(100);
        assertThat(Counter.usage("render", Backend.NO_CAP).cap()).isEqualTo(UsageDeniedException.UNKNOWN);
        assertThat(Counter.credits("export", 5).cap()).isEqualTo(UsageDeniedException.UNKNOWN);
        assertThat(Counter.credits("export", 0).bounded()).isTrue();
        assertThat(Counter.usage("render", 100).bounded()).isTrue();
        assertThat(Counter.usage("render", Backend.NO_CAP).bounded()).isFalse();
    }

    @Test
    void twoCountersAreEqualWhenNameDirectionAndBoundAre() {
        assertThat(Counter.credits("export", 0)).isEqualTo(Counter.credits("export", 0))
                .hasSameHashCodeAs(Counter.credits("export", 0))
                .isNotEqualTo(Counter.usage("export", 0)).isNotEqualTo(Counter.credits("export", 1));
        assertThat(Counter.usage("render", Backend.NO_CAP)).hasToString("usage 'render'");
        assertThat(Counter.credits("export", 2)).hasToString("credits 'export' (floor 2)");
    }

    @Test
    void aBackendKeepsNoGrantsUnlessItSaysSo() {
        assertThat(new Steps().grants()).isNull();
    }

    @Test
    void aLeaseTakesAllItWantsWhilePlentyIsLeftAndASixteenthOfWhatIsLeftNearTheBound() {
        assertThat(Counter.share(1_000_000, 500, 1)).as("plenty left").isEqualTo(500);
        assertThat(Counter.share(8_000, 500, 1)).as("exactly sixteen leases left").isEqualTo(500);
        assertThat(Counter.share(1_600, 500, 1)).as("a sixteenth").isEqualTo(100);
        assertThat(Counter.share(3, 500, 1)).as("a sixteenth, rounded up").isEqualTo(1);
        assertThat(Counter.share(1, 500, 1)).isEqualTo(1);
    }

    @Test
    void nearTheBoundALeaseStillTakesWhatTheCallNeedsButNeverMoreThanIsFree() {
        assertThat(Counter.share(100, 500, 40)).as("needed now: more than a sixteenth").isEqualTo(40);
        assertThat(Counter.share(40, 500, 40)).as("all that is free").isEqualTo(40);
        assertThat(Counter.share(39, 500, 40)).as("not enough for the call").isZero();
        assertThat(Counter.share(0, 500, 1)).isZero();
        assertThat(Counter.share(-5, 500, 1)).as("below the bound").isZero();
    }
}
