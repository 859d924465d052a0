package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tollgate.testkit.CryptolensEmulator;
import dev.tollgate.testkit.Endpoint;
import dev.tollgate.testkit.LicenseKey;
import dev.tollgate.testkit.Permission;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Cryptolens backend that limits the license key to {@value #PER_SECOND} requests a second and answers 429 with
 * {@code Retry-After: 1} beyond that, under the packaged agent: a product calls two {@code sync: strict} credits
 * features as fast as it can, one with {@code onBackendFailure: deny} and one with {@code allow}. After a 429 the
 * agent sends nothing until the wait has passed, so the backend sees about its limit and few 429s, while the calls
 * are decided at once by their policy; every charge that was granted is counted exactly once.
 */
class RateLimitIT {

    static final int PER_SECOND = 20;
    static final int BURST_MILLIS = 4000;
    static final int OPENING = 100_000;

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void rateLimitedCallsFollowTheirPolicyAtOnceWhileTheAgentWaitsAsItWasAsked(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        try (CryptolensEmulator emulator = CryptolensEmulator.start()) {
            emulator.token(CryptolensIT.TOKEN, Permission.allData()).keyLock(-1);
            LicenseKey key = emulator.product(CryptolensIT.PRODUCT).key(CryptolensIT.KEY).limitRequests(PER_SECOND);
            key.dataObject("denying", OPENING);
            long allowingId = key.dataObject("allowing", OPENING).id();
            ForkedJvm.write(dir, "tollgate.yml", CryptolensIT.config(emulator.url(), "", """
                    denying:  { mode: credits, sync: strict, onBackendFailure: deny }
                    allowing: { mode: credits, sync: strict, onBackendFailure: allow }
                    """));

            long started = System.nanoTime();
            ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, CryptolensIT.ENV, "tollgate.yml",
                    "burst=" + BURST_MILLIS);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1; // whole seconds, up

            assertThat(r.exit()).as(r.toString()).isZero();
            Map<String, String> burst = r.fields("burst");
            long calls = number(burst, "denyingCalls") + number(burst, "allowingCalls");
            long received = key.requestsReceived();
            long tooMany = key.requestsRateLimited();
            String tally = "calls " + calls + ", requests " + received + ", 429s " + tooMany + " in " + seconds + " s";
            System.out.println("--- " + jdk + " rate limited to " + PER_SECOND + "/s: " + tally);
            String counts = tally + "\n" + r;

            assertThat(tooMany).as("the limit was reached: %s", counts).isPositive();
            // The emulator serves at most PER_SECOND in any second, so in the whole run at most PER_SECOND * seconds;
            // everything else it received was a 429.
            assertThat(received - tooMany).as("requests served: %s", counts).isLessThanOrEqualTo(PER_SECOND * seconds);
            // After a 429 nothing is sent for the second it asks, so at most one opening per second, and each opening
            // meets at most the two calls' requests in flight and its probe: not one 429 per call.
            assertThat(tooMany).as("429s: %s", counts).isLessThanOrEqualTo(3 * (seconds + 1));
            assertThat(received * 10).as("far fewer requests than calls: %s", counts).isLessThan(calls);

            // deny: every call that returned was charged, exactly once; every other was denied, saying why.
            long denyingReturned = number(burst, "denyingReturned");
            assertThat(number(burst, "denyingDenied")).as(counts).isPositive();
            assertThat(burst).as(counts).containsEntry("denyingBodies", String.valueOf(denyingReturned))
                    .containsEntry("reasons", "BACKEND_UNAVAILABLE");
            assertThat(key.value("denying")).as("charged calls of 'denying': %s", counts)
                    .isEqualTo(OPENING - denyingReturned);
            List<String> denials = r.out().lines().filter(l -> l.startsWith("burst-denial: ")).toList();
            assertThat(denials).as(counts).isNotEmpty().allSatisfy(d -> assertThat(d)
                    .startsWith("burst-denial: Feature 'denying' denied: ").contains("HTTP 429 (too many requests"));
            assertThat(denials).as("once open, denials say it is a rate limit and nothing was sent")
                    .anySatisfy(d -> assertThat(d).contains("it is rate limiting these calls", "not sent"));

            // allow: every call ran; the counter moved by exactly the steps the emulator granted.
            assertThat(burst).as(counts).containsEntry("allowingDenied", "0")
                    .containsEntry("allowingReturned", burst.get("allowingCalls"))
                    .containsEntry("allowingBodies", burst.get("allowingCalls"));
            long allowingGranted = emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY).stream()
                    .filter(c -> c.param("Id").equals(java.util.Optional.of(String.valueOf(allowingId))))
                    .filter(c -> c.status() == 200 && c.result().orElse(-1) == 0).count();
            assertThat(allowingGranted).as(counts).isPositive();
            assertThat(key.value("allowing")).as("charged calls of 'allowing': %s", counts)
                    .isEqualTo(OPENING - allowingGranted);

            assertThat(r.agentLines()).as("one line for the rate limit, not one per call\n%s", r)
                    .filteredOn(l -> l.contains(" is rate limiting this agent")).singleElement().asString()
                    .startsWith("[tollgate] warning: cryptolens ").contains(" is rate limiting this agent (",
                            "HTTP 429", "Retry-After 1 s", "onBackendFailure");
            assertThat(r.out() + r.err()).doesNotContain(CryptolensIT.TOKEN);
        }
    }

    private static long number(Map<String, String> fields, String name) {
        assertThat(fields).containsKey(name);
        return Long.parseLong(fields.get(name));
    }
}
