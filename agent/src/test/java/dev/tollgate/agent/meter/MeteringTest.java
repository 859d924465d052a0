package dev.tollgate.agent.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.UsageDeniedException.Reason;
import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.ConfigLoader;
import dev.tollgate.agent.site.Site;
import dev.tollgate.agent.site.Sites;

/**
 * The metering runtime against a fake backend, with the {@code strict} strategy (one backend step per call):
 * policies, re-entrancy, balances, broken configs. Journaled strategies are in {@code AllowanceTest}.
 */
class MeteringTest {

    private final Backend backend = mock(Backend.class);
    private final Sites sites = new Sites();

    private Metering metering(String yaml) {
        Config config = new ConfigLoader(Map.of(), "/home/u").parse(yaml, "t.yml", Path.of("."));
        Metering metering = new Metering(config, config.isValid() ? backend : null);
        sites.listen(metering);
        return metering;
    }

    private Site site(String feature, int cost) {
        return sites.register(feature, cost, "com.acme.Reports", feature + "()", "@Metered");
    }

    /** Each thread's tokens of the calls it entered and has not left, innermost first, as woven code keeps them. */
    private static final ThreadLocal<Deque<Object>> TOKENS = ThreadLocal.withInitial(ArrayDeque::new);

    @BeforeEach
    void noCallsEntered() {
        TOKENS.get().clear();
    }

    /** What woven code does before a body: null when the call may run (its token kept for exit), else the denial. */
    private static Throwable enter(Metering m, int site) {
        Object token = m.enter(site, Object.class);
        if (token instanceof Throwable) {
            return (Throwable) token;
        }
        assertThat(token).as("a call let in has a token for its exit").isNotNull();
        TOKENS.get().push(token);
        return null;
    }

    /** What woven code does after a body that returned ({@code thrown} null) or threw. */
    private static void exit(Metering m, int site, Throwable thrown) {
        m.exit(site, TOKENS.get().pop(), thrown);
    }

    private static UsageDeniedException denial(Throwable t) {
        assertThat(t).isInstanceOf(UsageDeniedException.class);
        return (UsageDeniedException) t;
    }

    @Test
    void creditsAreTakenWithTheFeaturesBoundAndCounter() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits, bound: 5, dataObject: credits }\n");
        when(backend.take("credits", 1, 5)).thenReturn(Outcome.granted(9));
        Site s = site("export", 0);

        assertThat(enter(m, s.id())).isNull();
        exit(m, s.id(), null);
        verify(backend).take("credits", 1, 5);
    }

    @Test
    void usageIsAddedUpToTheCapOrWithoutOne() {
        Metering m = metering("features:\n  render: { sync: strict, mode: usage, bound: 10 }\n  scan: { sync: strict, mode: usage }\n");
        when(backend.add(anyString(), anyLong(), anyLong())).thenReturn(Outcome.granted(1));

        Site render = site("render", 2);
        Site scan = site("scan", 0);
        assertThat(enter(m, render.id())).isNull();
        exit(m, render.id(), null);
        assertThat(enter(m, scan.id())).isNull();
        exit(m, scan.id(), null);

        verify(backend).add("render", 2, 10);
        verify(backend).add("scan", 1, Backend.NO_CAP);
    }

    @Test
    void theBoundBecomesCreditsExhaustedWithWhatIsLeftAboveTheFloor() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits, bound: 2 }\n");
        when(backend.take("export", 3, 2)).thenReturn(Outcome.boundReached(4));

        UsageDeniedException d = denial(enter(m, site("export", 3).id()));
        assertThat(d.getReason()).isEqualTo(Reason.CREDITS_EXHAUSTED);
        assertThat(d.getUnitsRequested()).isEqualTo(3);
        assertThat(d.getUnitsLeft()).isEqualTo(2);
    }

    @Test
    void theCapBecomesCapReachedWithTheRoomLeft() {
        Metering m = metering("features:\n  render: { sync: strict, mode: usage, bound: 10 }\n");
        when(backend.add("render", 2, 10)).thenReturn(Outcome.boundReached(9));

        UsageDeniedException d = denial(enter(m, site("render", 2).id()));
        assertThat(d.getReason()).isEqualTo(Reason.CAP_REACHED);
        assertThat(d.getUnitsLeft()).isEqualTo(1);
        assertThat(d).hasMessage("Feature 'render' denied: usage cap reached: used 9 of 10 (needs 2)");
    }

    @Test
    void anUnknownValueAtTheBoundLeavesUnitsLeftUnknown() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits }\n");
        when(backend.take("export", 1, 0)).thenReturn(Outcome.boundReached(Outcome.UNKNOWN));

        UsageDeniedException d = denial(enter(m, site("export", 0).id()));
        assertThat(d.getUnitsLeft()).isEqualTo(UsageDeniedException.UNKNOWN);
        assertThat(d).hasMessage("Feature 'export' denied: no credits left (needs 1)");
    }

    @Test
    void anUnavailableBackendDeniesByDefault() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits }\n");
        when(backend.take("export", 1, 0)).thenReturn(Outcome.unavailable("timeout after 5000 ms"));
        when(backend.describe()).thenReturn("test backend");

        UsageDeniedException d = denial(enter(m, site("export", 0).id()));
        assertThat(d.getReason()).isEqualTo(Reason.BACKEND_UNAVAILABLE);
        assertThat(d.getDetail()).isEqualTo("timeout after 5000 ms");
    }

    @Test
    void anUnavailableBackendLetsTheCallRunUnderAllow() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits, onBackendFailure: allow }\n");
        when(backend.take("export", 1, 0)).thenReturn(Outcome.ambiguous("read timed out"));
        when(backend.describe()).thenReturn("test backend");

        assertThat(enter(m, site("export", 0).id())).isNull();
    }

    @Test
    void aBackendThatThrowsIsTreatedAsUnavailable() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits }\n");
        when(backend.take("export", 1, 0)).thenThrow(new IllegalStateException("bug"));
        when(backend.describe()).thenReturn("test backend");

        assertThat(denial(enter(m, site("export", 0).id())).getReason())
                .isEqualTo(Reason.BACKEND_UNAVAILABLE);
    }

    @Test
    void misconfigurationIsDeniedEvenUnderAllow() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits, onBackendFailure: allow }\n");
        when(backend.take("export", 1, 0)).thenReturn(Outcome.misconfigured("the token lacks DecrementIntValue"));

        UsageDeniedException d = denial(enter(m, site("export", 0).id()));
        assertThat(d.getReason()).isEqualTo(Reason.MISCONFIGURED);
        assertThat(d.getMessage()).contains("the token lacks DecrementIntValue");
    }

    @Test
    void aReentrantCallOfTheSameFeatureIsChargedOnceAndAfterwardsChargedAgain() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits }\n");
        when(backend.take("export", 1, 0)).thenReturn(Outcome.granted(10));
        Site outer = site("export", 0);
        Site inner = sites.register("export", 0, "com.acme.Reports", "inner()", "@Metered");

        assertThat(enter(m, outer.id())).isNull();
        assertThat(enter(m, inner.id())).isNull();
        exit(m, inner.id(), null);
        exit(m, outer.id(), new RuntimeException("the body threw"));
        verify(backend, times(1)).take("export", 1, 0);

        assertThat(enter(m, outer.id())).isNull();
        exit(m, outer.id(), null);
        verify(backend, times(2)).take("export", 1, 0);
    }

    @Test
    void anExitWithoutItsEnterDoesNotMakeTheNextCallFree() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits }\n");
        when(backend.take("export", 1, 0)).thenReturn(Outcome.granted(10));
        Site s = site("export", 0);

        m.exit(s.id(), null, null); // no token: e.g. a class retransformed while a call was running
        assertThat(enter(m, s.id())).isNull();
        verify(backend).take("export", 1, 0);
    }

    @Test
    void otherThreadsAreChargedWhileOneThreadIsInsideTheFeature() throws Exception {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits }\n");
        when(backend.take("export", 1, 0)).thenReturn(Outcome.granted(10));
        Site s = site("export", 0);

        assertThat(enter(m, s.id())).isNull();
        Thread other = new Thread(() -> {
            enter(m, s.id());
            exit(m, s.id(), null);
        });
        other.start();
        other.join();
        exit(m, s.id(), null);
        verify(backend, times(2)).take("export", 1, 0);
    }

    @Test
    void aBrokenConfigDeniesEveryCallAsMisconfiguredWithoutTouchingABackend() {
        Metering m = metering("features:\n  export: { mode: prepaid }\n");
        UsageDeniedException d = denial(enter(m, site("export", 0).id()));
        assertThat(d.getReason()).isEqualTo(Reason.MISCONFIGURED);
        assertThat(d.getMessage()).contains("t.yml has 1 problem(s), printed at startup");
        verify(backend, never()).take(anyString(), anyLong(), anyLong());
    }

    @Test
    void anUnknownSiteIsDeniedRatherThanFree() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits }\n");
        assertThat(denial(enter(m, 4711)).getReason()).isEqualTo(Reason.MISCONFIGURED);
    }

    @Test
    void balancesAreCreditsAboveTheFloorOrUnitsUsed() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits, bound: 2 }\n  render: { sync: strict, mode: usage }\n");
        when(backend.read("export")).thenReturn(Outcome.granted(7));
        when(backend.read("render")).thenReturn(Outcome.granted(3));
        when(backend.read("broken")).thenReturn(Outcome.unavailable("down"));

        assertThat(m.balance("export")).isEqualTo(OptionalLong.of(5));
        assertThat(m.balance("render")).isEqualTo(OptionalLong.of(3));
        assertThat(m.balance("nobody")).isEmpty();
    }

    @Test
    void featuresUsedButNotConfiguredAreListed() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits }\n");
        site("ghost", 0);
        site("export", 0);
        assertThat(m.unconfiguredFeatures()).isEqualTo(List.of("ghost"));
    }

    @Test
    void aChargedCallThatThrowsGetsItsChargeBackWhenTheFeatureRefunds() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits, refund: onException }\n");
        when(backend.take("export", 2, 0)).thenReturn(Outcome.granted(8));
        when(backend.refund("export", 2, true)).thenReturn(Outcome.granted(10));
        Site outer = site("export", 2);
        Site inner = sites.register("export", 2, "com.acme.Reports", "inner()", "@Metered");

        assertThat(enter(m, outer.id())).isNull();
        assertThat(enter(m, inner.id())).isNull();
        exit(m, inner.id(), new IllegalStateException("inner failed")); // not the charged frame
        verify(backend, never()).refund(anyString(), anyLong(), org.mockito.ArgumentMatchers.anyBoolean());
        exit(m, outer.id(), new IllegalStateException("the body failed"));
        verify(backend, times(1)).refund("export", 2, true);
    }

    @Test
    void aCallThatReturnsOrAFeatureWithoutRefundsKeepsItsCharge() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits, refund: onException }\n"
                + "  render: { sync: strict, mode: usage }\n");
        when(backend.take(anyString(), anyLong(), anyLong())).thenReturn(Outcome.granted(8));
        when(backend.add(anyString(), anyLong(), anyLong())).thenReturn(Outcome.granted(1));
        Site export = site("export", 0);
        Site render = site("render", 0);

        assertThat(enter(m, export.id())).isNull();
        exit(m, export.id(), null);
        assertThat(enter(m, render.id())).isNull();
        exit(m, render.id(), new IllegalStateException("the body failed"));
        verify(backend, never()).refund(anyString(), anyLong(), org.mockito.ArgumentMatchers.anyBoolean());
    }

    @Test
    void aRefundTheBackendRefusesIsReportedAndNeverThrown() {
        Metering m = metering("features:\n  render: { sync: strict, mode: usage, refund: onException }\n");
        when(backend.add("render", 1, Backend.NO_CAP)).thenReturn(Outcome.granted(1));
        when(backend.refund("render", 1, false)).thenThrow(new IllegalStateException("bug"));
        Site s = site("render", 0);

        assertThat(enter(m, s.id())).isNull();
        exit(m, s.id(), new RuntimeException("the body failed"));
        verify(backend).refund("render", 1, false);
    }

    @Test
    void aCallAllowedUnchargedWhileTheBackendIsDownHasNothingToRefund() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits, onBackendFailure: allow, refund: onException }\n");
        when(backend.take("export", 1, 0)).thenReturn(Outcome.unavailable("down"), Outcome.granted(4));
        when(backend.describe()).thenReturn("test backend");
        when(backend.refund("export", 1, true)).thenReturn(Outcome.granted(5));
        Site outer = site("export", 0);
        Site inner = sites.register("export", 0, "com.acme.Reports", "inner()", "@Metered");

        assertThat(enter(m, outer.id())).isNull();   // allowed, uncharged
        assertThat(enter(m, inner.id())).isNull();   // nested: not charged either
        exit(m, inner.id(), new IllegalStateException("failed"));
        exit(m, outer.id(), new IllegalStateException("failed"));
        verify(backend, never()).refund(anyString(), anyLong(), org.mockito.ArgumentMatchers.anyBoolean());

        // The next outermost call is charged (the flag did not stick) and refunded when it throws.
        assertThat(enter(m, outer.id())).isNull();
        exit(m, outer.id(), new IllegalStateException("failed"));
        verify(backend, times(2)).take("export", 1, 0);
        verify(backend).refund("export", 1, true);
    }

    @Test
    void aStrictRefundTheBackendCannotTakeNowIsSentAgainCoalescedWhenItIsBack() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits, refund: onException }\n");
        when(backend.take("export", 1, 0)).thenReturn(Outcome.granted(9));
        when(backend.refund("export", 1, true)).thenReturn(Outcome.unavailable("connection refused"));
        when(backend.refund("export", 2, true)).thenReturn(Outcome.granted(10));
        Site s = site("export", 0);

        for (int i = 0; i < 2; i++) {
            assertThat(enter(m, s.id())).isNull();
            exit(m, s.id(), new IllegalStateException("the body failed"));
        }

        verify(backend, org.mockito.Mockito.timeout(10_000)).refund("export", 2, true);
        m.close();
        verify(backend, times(2)).refund("export", 1, true);
        verify(backend, times(1)).refund("export", 2, true);
    }

    @Test
    void aStrictRefundWhoseAnswerWasLostIsNeverSentTwice() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits, refund: onException }\n");
        when(backend.take("export", 1, 0)).thenReturn(Outcome.granted(9));
        when(backend.refund("export", 1, true)).thenReturn(Outcome.ambiguous("read timed out"));
        Site s = site("export", 0);

        assertThat(enter(m, s.id())).isNull();
        exit(m, s.id(), new IllegalStateException("the body failed"));
        m.close();

        verify(backend, times(1)).refund(anyString(), anyLong(), org.mockito.ArgumentMatchers.anyBoolean());
    }

    @Test
    void aStrictRefundStillOwedAtExitIsTriedOnceMoreAndThenReportedLost() {
        Metering m = metering("features:\n  export: { sync: strict, mode: credits, refund: onException }\n");
        when(backend.take("export", 1, 0)).thenReturn(Outcome.granted(9));
        when(backend.refund("export", 1, true)).thenReturn(Outcome.unavailable("connection refused"));
        Site s = site("export", 0);
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.function.Consumer<String> listener = lines::add;
        dev.tollgate.agent.log.Log.listen(listener);
        try {
            assertThat(enter(m, s.id())).isNull();
            exit(m, s.id(), new IllegalStateException("the body failed"));
            m.close();
        } finally {
            dev.tollgate.agent.log.Log.unlisten(listener);
        }

        verify(backend, org.mockito.Mockito.atLeast(2)).refund("export", 1, true); // at the call, and at exit
        assertThat(lines).anyMatch(l -> l.contains("feature 'export': 1 units of refunds for calls that threw could "
                + "not be given back before exit; they are lost"));
    }
}
