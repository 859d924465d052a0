package dev.tollgate.agent.meter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A lease lasts about leaseFor at the rate the process calls, and grows fast while the rate is not known yet. */
class DemandTest {

    private static final long UNLIMITED = Integer.MAX_VALUE;

    @Test
    void beforeAnyCallTheFirstLeaseIsSmallAndEachWaitForAnotherTakesFourTimesMore() {
        Demand d = new Demand(1_000, UNLIMITED);

        d.waiting();
        assertThat(d.want(1)).isEqualTo(Demand.FIRST);
        d.waiting();
        assertThat(d.want(1)).isEqualTo(4 * Demand.FIRST);
        d.waiting();
        assertThat(d.want(1)).isEqualTo(16 * Demand.FIRST);
    }

    @Test
    void aLeaseIsWhatTheProcessUsesInLeaseForAtTheRateItCalls() {
        Demand d = new Demand(2_000, UNLIMITED);
        d.sample(10_000, 0);
        d.sample(11_000, 50_000); // 50 units per ms for a second

        assertThat(d.want(1)).isEqualTo(100_000); // 2 s of calls
        assertThat(d.perSecond()).isEqualTo(50_000.0);
    }

    @Test
    void aLeaseIsNeverMoreThanTheBlockNorLessThanTheCallNeeds() {
        Demand d = new Demand(1_000, 5_000);
        d.sample(10_000, 0);
        d.sample(11_000, 1_000_000);

        assertThat(d.want(1)).isEqualTo(5_000);
        assertThat(new Demand(1_000, 5_000).want(7)).as("nothing known: what the call needs").isEqualTo(7);
    }

    @Test
    void aRisingRateIsFollowedAtOnceAndAFallingOneOverAboutASecond() {
        Demand d = new Demand(1_000, UNLIMITED);
        d.sample(10_000, 0);
        d.sample(10_050, 500); // 10 per ms
        assertThat(d.want(1)).isEqualTo(10_000);

        d.sample(10_100, 500); // nothing in 50 ms: the rate eases, it does not collapse
        assertThat(d.want(1)).isBetween(9_000L, 10_000L);

        d.sample(10_150, 5_500); // 100 per ms: taken at once
        assertThat(d.want(1)).isEqualTo(100_000);
    }

    @Test
    void theNextLeaseIsTakenAheadWhenHalfALeaseIsLeftOrLessThanTwoRoundTripsAndALook() {
        Demand d = new Demand(1_000, UNLIMITED);
        d.sample(10_000, 0);
        d.sample(11_000, 1_000); // 1 per ms
        assertThat(d.low()).as("half of a 1,000-unit lease").isEqualTo(500);

        d.tookMillis(400); // a slow backend: 2 round trips and a look are 850 ms of calls, twice over
        assertThat(d.low()).isEqualTo(1_700);
        assertThat(new Demand(1_000, UNLIMITED).low()).as("nothing known").isEqualTo(1);
    }

    @Test
    void onceTheRateIsKnownTheGrowthOfABurstFades() {
        Demand d = new Demand(1_000, UNLIMITED);
        for (int i = 0; i < 6; i++) {
            d.waiting();
        }
        long burst = d.want(1);
        d.sample(10_000, 0);
        for (int t = 1; t <= 20; t++) {
            d.sample(10_000 + 50 * t, t); // 1 unit per 50 ms
        }

        assertThat(burst).isEqualTo(Demand.FIRST << 10);
        assertThat(d.want(1)).as("about a second of 20 calls a second").isLessThan(100);
    }

    @Test
    void aBlockSetInTheConfigIsKeptHalfAheadEvenWhenCallsPause() {
        Demand set = new Demand(1_000, 20);
        Demand unset = new Demand(1_000, dev.tollgate.agent.config.Sync.DEFAULT_BLOCK);

        assertThat(set.low()).isEqualTo(10);
        assertThat(unset.low()).isEqualTo(1);
    }
}
