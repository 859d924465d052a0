package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testkit.CryptolensEmulator;
import dev.tollgate.testkit.Endpoint;
import dev.tollgate.testkit.Fault;
import dev.tollgate.testkit.LicenseKey;
import dev.tollgate.testkit.Permission;
import dev.tollgate.testkit.RecordedCall;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged agent on the {@code cryptolens} backend, on real JVMs: against the standalone emulator
 * process for both billing models and many threads; against the in-process emulator for every failure
 * class under each failure policy and for misconfiguration; and with plain http to another host. The
 * access token reaches the agent through {@code ${CRYPTOLENS_TOKEN}} and never shows in its output.
 */
class CryptolensIT {

    static final int PRODUCT = 3941;
    static final String KEY = "AAAAA-BBBBB-CCCCC-DDDDD";
    /** Unlike anything else in the output, and the same when form-encoded. */
    static final String TOKEN = "tok-" + UUID.randomUUID();
    static final Map<String, String> ENV = Map.of("CRYPTOLENS_TOKEN", TOKEN);

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    private static String config(String url, String features) {
        return config(url, "", features);
    }

    static String config(String url, String moreSettings, String features) {
        return """
                backend: cryptolens
                cryptolens:
                  url: %s
                  token: ${CRYPTOLENS_TOKEN}
                  productId: %d
                  key: %s
                """.formatted(url, PRODUCT, KEY) + moreSettings.indent(2) + "features:\n" + features.indent(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theStandaloneEmulatorGrantsExactlyItsCreditsAndUsageUpToItsCapAlsoToManyThreads(ForkedJvm.Jdk jdk,
            @TempDir Path dir) throws Exception {
        Process emulator = startStandalone("--data", "export=3", "--data", "threads=100");
        try {
            String url = listeningUrl(emulator);
            assertThat(dataObjects(url)).as("seeded; no usage counter yet")
                    .containsOnly(entry("export", 3), entry("threads", 100));
            ForkedJvm.write(dir, "tollgate.yml", config(url, """
                    export:
                      mode: credits
                      onBackendFailure: deny
                    render:
                      mode: usage
                      dataObject: renders
                      bound: 10
                    threads:
                      mode: credits
                    """));

            ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, ENV, "tollgate.yml",
                    "export=4", "render=11", "threads=100", "balances");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.fields("export")).as(r.toString()).containsEntry("returned", "3").containsEntry("bodies", "3")
                    .containsEntry("denied", "1").containsEntry("reason", "CREDITS_EXHAUSTED").containsEntry("left", "0");
            // The usage counter is created on the first call; the cap is inclusive: the 10th call reaches it.
            assertThat(r.fields("render")).as(r.toString()).containsEntry("returned", "10").containsEntry("bodies", "10")
                    .containsEntry("denied", "1").containsEntry("reason", "CAP_REACHED").containsEntry("left", "0");
            // 8 threads, each of which could spend all 100 credits alone.
            assertThat(r.fields("threads")).as(r.toString()).containsEntry("calls", "800")
                    .containsEntry("returned", "100").containsEntry("bodies", "100").containsEntry("denied", "700");
            assertThat(r.line("balances")).isEqualTo("export=0 render=10 threads=0");
            assertThat(dataObjects(url)).containsOnly(entry("export", 0), entry("threads", 0), entry("renders", 10));
            assertThat(r.agentLines()).contains("[tollgate] metering 3 feature(s) on the cryptolens " + url
                    + " product 3941 key AAAAA… (config: " + dir.resolve("tollgate.yml") + ")");
            assertTokenNeverShown(r);
        } finally {
            stop(emulator);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void everyBackendFailureFollowsTheFeaturesPolicyAndMisconfigurationIsAlwaysDenied(ForkedJvm.Jdk jdk,
            @TempDir Path dir) {
        // Fast faults only: a slow one (a timeout) opens the breaker at once, which BackendHangsIT shows, and so does
        // a 429, which RateLimitIT shows. Between two faults a usage feature is charged, so that no three failures
        // come in a row and open the breaker.
        List<Fault> faults = List.of(Fault.serverError(), Fault.disconnect(), Fault.garbage(), Fault.withoutResult());
        // What each fault's denial says, in the order of the faults.
        List<String> details = List.of(
                "DecrementIntValueToKey answered HTTP 503: <!DOCTYPE html>",
                "DecrementIntValueToKey at 127.0.0.1:%d failed after the request was sent, so the step may have been "
                        + "applied: IOException",
                "DecrementIntValueToKey answered HTTP 200 with a body that is not JSON",
                "DecrementIntValueToKey answered HTTP 200 without a result");
        List<RecordedCall> decrements = new ArrayList<>();
        Map<String, Integer> valuesBeforeClose = new TreeMap<>();

        try (CryptolensEmulator emulator = CryptolensEmulator.start()) {
            int port = emulator.port();
            LicenseKey key = emulator.product(PRODUCT).key(KEY);
            key.dataObject("denying", 5);
            key.dataObject("allowing", 5);
            long otherKey = emulator.product(PRODUCT).key("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ").id();
            ForkedJvm.write(dir, "tollgate.yml", config(emulator.url(), "readTimeout: 1500ms", """
                    denying:  { mode: credits, onBackendFailure: deny }
                    allowing: { mode: credits, onBackendFailure: allow }
                    usage:    { mode: usage }
                    """));

            List<String> scenarios = new ArrayList<>();
            scenarios.addAll(List.of("denying=1", "allowing=1", "pause")); // the token is not known yet
            for (int i = 0; i < faults.size(); i++) {
                scenarios.addAll(List.of("denying=1", "allowing=1", "usage=1"));
            }
            scenarios.addAll(List.of("denying=1", "allowing=1", "pause")); // no fault left
            scenarios.addAll(List.of("denying=1", "allowing=1", "pause")); // no Decrement permission
            scenarios.addAll(List.of("denying=1", "allowing=1", "pause")); // locked to another key
            scenarios.addAll(List.of("denying=3", "allowing=3"));         // connection refused
            List<Runnable> steps = List.of(
                    () -> {
                        emulator.token(TOKEN, Permission.allData()).keyLock(-1);
                        for (Fault f : faults) {
                            emulator.failNext(Endpoint.DECREMENT_INT_VALUE_TO_KEY, 2, f); // one per policy
                        }
                        emulator.clearRequests();
                    },
                    () -> {
                        decrements.addAll(emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY));
                        EnumSet<Permission> noDecrement = EnumSet.allOf(Permission.class);
                        noDecrement.remove(Permission.DECREMENT_INT_VALUE);
                        emulator.token(TOKEN, noDecrement).keyLock(-1);
                    },
                    () -> emulator.token(TOKEN, Permission.allData()).keyLock(otherKey),
                    () -> {
                        valuesBeforeClose.put("denying", key.value("denying"));
                        valuesBeforeClose.put("allowing", key.value("allowing"));
                        emulator.close(); // the port is closed: connections are refused
                    });

            ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, ENV, "tollgate.yml", steps,
                    scenarios.toArray(String[]::new));

            assertThat(r.exit()).as(r.toString()).isZero();
            List<Map<String, String>> denying = r.all("denying");
            List<Map<String, String>> allowing = r.all("allowing");
            assertThat(denying).as(r.toString()).hasSize(faults.size() + 5);
            assertThat(allowing).as(r.toString()).hasSize(faults.size() + 5);

            // An unknown token is the vendor's to fix, whatever the policy.
            assertMisconfigured(r, denying.get(0), allowing.get(0), "Cryptolens did not accept the access token "
                    + "(\"Unable to authenticate.\"): check cryptolens.token");

            // Each fault, on the counter step: deny keeps the body from running, allow runs it.
            for (int i = 0; i < faults.size(); i++) {
                String detail = details.get(i).formatted(port);
                assertThat(denying.get(i + 1)).as("%s under deny%n%s", faults.get(i), r)
                        .containsEntry("returned", "0").containsEntry("denied", "1")
                        .containsEntry("reason", "BACKEND_UNAVAILABLE");
                assertThat(denying.get(i + 1).get("message")).as("%s under deny", faults.get(i))
                        .startsWith("Feature 'denying' denied: ").contains(detail);
                assertThat(allowing.get(i + 1)).as("%s under allow%n%s", faults.get(i), r)
                        .containsEntry("returned", "1").containsEntry("denied", "0");
            }
            assertThat(decrements).as("the counter steps during the faults").extracting(c -> c.fault().orElse(null))
                    .containsExactly(faults.get(0), faults.get(0), faults.get(1), faults.get(1), faults.get(2),
                            faults.get(2), faults.get(3), faults.get(3), null, null);
            // With the faults gone, both are charged again.
            int recovered = faults.size() + 1;
            assertThat(denying.get(recovered)).as(r.toString()).containsEntry("returned", "1");
            assertThat(allowing.get(recovered)).as(r.toString()).containsEntry("returned", "1");
            // No fault moved a counter. The calls allowed through the faults ran uncharged.
            assertThat(valuesBeforeClose).containsOnly(entry("denying", 4), entry("allowing", 4));

            assertMisconfigured(r, denying.get(recovered + 1), allowing.get(recovered + 1), "Cryptolens refused "
                    + "DecrementIntValueToKey (\"Access denied.\"): give the access token the DecrementIntValue "
                    + "permission");
            assertMisconfigured(r, denying.get(recovered + 2), allowing.get(recovered + 2), "Cryptolens could not "
                    + "reach license key AAAAA… of product 3941 with this access token (\"Not enough permission and/or "
                    + "key not found.\"): check cryptolens.key and cryptolens.productId, and create the token with Key "
                    + "lock -1");

            // The first step after the close may still go out on the pooled connection that the close cut (that
            // loss is reported as possibly applied); after it, the closed port refuses. The message is the last call's.
            int refused = recovered + 3;
            assertThat(denying.get(refused)).as(r.toString()).containsEntry("returned", "0").containsEntry("denied", "3")
                    .containsEntry("reason", "BACKEND_UNAVAILABLE");
            assertThat(denying.get(refused).get("message")).contains("DecrementIntValueToKey at 127.0.0.1:"
                    + port + " failed before the request was sent: ConnectException");
            assertThat(allowing.get(refused)).as(r.toString()).containsEntry("returned", "3");

            assertThat(denying.get(refused)).as("no denied body ever ran").containsEntry("bodies", "1");
            assertThat(allowing.get(refused)).containsEntry("bodies", String.valueOf(faults.size() + 4));
            assertThat(r.agentLines()).anyMatch(l -> l.startsWith("[tollgate] warning: feature 'denying': cryptolens ")
                    && l.endsWith("; calls are denied by onBackendFailure: deny"));
            assertThat(r.agentLines()).anyMatch(l -> l.startsWith("[tollgate] warning: feature 'allowing': cryptolens ")
                    && l.endsWith("; calls run uncharged by onBackendFailure: allow"));
            assertTokenNeverShown(r);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void plainHttpToAnotherHostIsRefusedAtStartupAndEveryCallDenied(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        ForkedJvm.write(dir, "tollgate.yml", config("http://example.com", "export: { mode: credits }\n"));

        ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, ENV, "tollgate.yml", "export=2");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.fields("export")).as(r.toString()).containsEntry("returned", "0").containsEntry("bodies", "0")
                .containsEntry("reason", "MISCONFIGURED");
        assertThat(r.agentLines()).contains("[tollgate] error: " + dir.resolve("tollgate.yml") + ":3: cryptolens.url: "
                + "plain http:// is refused except to loopback, because the token would travel unencrypted; use "
                + "https:// or set cryptolens.allowInsecure: true");
        assertThat(r.agentLines()).anyMatch(l -> l.contains("every metered call is denied (misconfigured)"));
        assertTokenNeverShown(r);
    }

    private static void assertMisconfigured(ForkedJvm.Result r, Map<String, String> denying,
            Map<String, String> allowing, String fix) {
        for (Map<String, String> call : List.of(denying, allowing)) {
            assertThat(call).as(r.toString()).containsEntry("returned", "0").containsEntry("denied", "1")
                    .containsEntry("reason", "MISCONFIGURED");
            assertThat(call.get("message")).contains(fix);
        }
        for (String feature : List.of("denying", "allowing")) {
            assertThat(r.agentLines()).as(r.toString())
                    .anyMatch(l -> l.startsWith("[tollgate] error: feature '" + feature + "': ") && l.contains(fix));
        }
    }

    private static void assertTokenNeverShown(ForkedJvm.Result r) {
        assertThat(r.out()).doesNotContain(TOKEN);
        assertThat(r.err()).doesNotContain(TOKEN);
    }

    // --- the standalone emulator ---

    static Process startStandalone(String... data) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", testkitJar().toString(),
                "--port", "0", "--token", TOKEN, "--product-id", String.valueOf(PRODUCT), "--key", KEY));
        command.addAll(List.of(data));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The URL from the emulator's one line, {@code Cryptolens emulator listening on http://127.0.0.1:PORT}. */
    static String listeningUrl(Process emulator) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(emulator.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(ForkedJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        String prefix = "Cryptolens emulator listening on ";
        assertThat(line).as("the emulator's first line").startsWith(prefix + "http://127.0.0.1:");
        return line.substring(prefix.length());
    }

    static void stop(Process emulator) throws InterruptedException {
        emulator.destroy();
        if (!emulator.waitFor(30, TimeUnit.SECONDS)) {
            emulator.destroyForcibly();
        }
    }

    private static Path testkitJar() {
        String jar = System.getProperty("tollgate.testkit.jar");
        assertThat(jar).as("system property tollgate.testkit.jar (set by failsafe)").isNotBlank();
        assertThat(Path.of(jar)).as("the testkit's standalone jar; run mvn verify").exists();
        return Path.of(jar);
    }

    /** The key's data objects by name, as ListDataObjectsToKey gives them. */
    static Map<String, Integer> dataObjects(String url) throws IOException {
        OkHttpClient http = new OkHttpClient();
        try {
            FormBody form = new FormBody.Builder().add("token", TOKEN).add("ProductId", String.valueOf(PRODUCT))
                    .add("Key", KEY).build();
            Request request = new Request.Builder().url(url + "/api/data/ListDataObjectsToKey").post(form).build();
            try (Response response = http.newCall(request).execute()) {
                JsonNode root = new ObjectMapper().readTree(response.body().string());
                assertThat(root.path("result").asInt(-1)).as(root.toString()).isZero();
                Map<String, Integer> values = new TreeMap<>();
                for (JsonNode d : root.path("dataObjects")) {
                    values.put(d.path("name").asText(), d.path("intValue").asInt());
                }
                return values;
            }
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
