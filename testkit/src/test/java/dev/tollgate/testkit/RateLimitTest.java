package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.FormBody;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A per-key request rate limit: 429 with Retry-After beyond it, nothing applied, and counts to assert on. */
class RateLimitTest {
    private CryptolensEmulator emulator;
    private Fixture f;

    @BeforeEach
    void start() {
        emulator = CryptolensEmulator.start();
        f = new Fixture(emulator);
        f.key.dataObject("credits", 100);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private Client.Reply spendOne() throws IOException {
        return f.decrement("credits", 1, true, 0);
    }

    /** The Retry-After header of a decrement, with the status. */
    private String[] spendOneWithRetryAfter() throws IOException {
        FormBody form = new FormBody.Builder().add("token", Fixture.TOKEN).add("ProductId", "3941")
                .add("Key", Fixture.KEY).add("Name", "credits").add("IntValue", "1").build();
        Request request = new Request.Builder().url(emulator.url() + "/api/data/DecrementIntValueToKey").post(form)
                .build();
        try (Response response = Client.HTTP.newCall(request).execute()) {
            return new String[] {String.valueOf(response.code()), response.header("Retry-After")};
        }
    }

    // --- over HTTP ---

    @Test
    void aRequestOverTheLimitIsA429WithRetryAfterAndChangesNothing() throws IOException {
        f.key.limitRequests(3);
        for (int i = 0; i < 3; i++) {
            spendOne().ok();
        }

        Client.Reply refused = spendOne();

        assertThat(refused.status).isEqualTo(429);
        assertThat(refused.contentType).startsWith("application/json");
        assertThat(refused.error()).isEqualTo("Too many requests for this license key: at most 3 per second; "
                + "retry after 1 s.");
        assertThat(f.key.value("credits")).as("the refused step was not applied").isEqualTo(97);
        assertThat(spendOneWithRetryAfter()).containsExactly("429", "1");
        assertThat(f.key.requestsReceived()).isEqualTo(5);
        assertThat(f.key.requestsRateLimited()).isEqualTo(2);
        RecordedCall last = emulator.requests().get(emulator.requests().size() - 1);
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.fault()).isEmpty();
    }

    @Test
    void requestsUnderTheLimitAreServedAndCounted() throws IOException {
        f.key.limitRequests(5);

        for (int i = 0; i < 5; i++) {
            spendOne().ok();
        }

        assertThat(f.key.value("credits")).isEqualTo(95);
        assertThat(f.key.requestsReceived()).isEqualTo(5);
        assertThat(f.key.requestsRateLimited()).isZero();
    }

    @Test
    void afterRetryAfterHasPassedTheKeyIsServedAgain() throws Exception {
        f.key.limitRequests(2);
        spendOne().ok();
        spendOne().ok();
        String[] refused = spendOneWithRetryAfter();
        assertThat(refused[0]).isEqualTo("429");

        TimeUnit.SECONDS.sleep(Long.parseLong(refused[1]));

        spendOne().ok();
        assertThat(f.key.value("credits")).isEqualTo(97);
        assertThat(f.key.requestsRateLimited()).isEqualTo(1);
    }

    @Test
    void withoutALimitEveryRequestIsServedAndStillCounted() throws IOException {
        for (int i = 0; i < 50; i++) {
            spendOne().ok();
        }

        assertThat(f.key.requestLimit()).isZero();
        assertThat(f.key.requestsReceived()).isEqualTo(50);
        assertThat(f.key.requestsRateLimited()).isZero();
    }

    @Test
    void theLimitIsPerKeyAndCountsEveryMethodWhateverItsToken() throws IOException {
        LicenseKey other = emulator.product(Fixture.PRODUCT).key("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ");
        other.dataObject("credits", 10);
        f.key.limitRequests(2);
        f.call("ListDataObjectsToKey").ok();
        f.client.post("/api/data/ListDataObjectsToKey", "token", "unknown", "ProductId", "3941", "Key", Fixture.KEY);

        assertThat(spendOne().status).isEqualTo(429);
        assertThat(f.client.post("/api/data/DecrementIntValueToKey", "token", Fixture.TOKEN, "ProductId", "3941",
                "Key", "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ", "Name", "credits", "IntValue", "1").ok().status).isEqualTo(200);
        assertThat(other.value("credits")).isEqualTo(9);
        assertThat(f.key.requestsReceived()).isEqualTo(3);
        assertThat(other.requestsReceived()).isEqualTo(1);
    }

    @Test
    void aRefusedRequestUsesUpNoFault() throws IOException {
        f.key.limitRequests(1);
        spendOne().ok();
        emulator.failNext(Fault.serverError());

        assertThat(spendOne().status).isEqualTo(429);

        assertThat(emulator.requests().stream().filter(c -> c.fault().isPresent())).isEmpty();
    }

    @Test
    void aNegativeLimitIsRefused() {
        assertThatThrownBy(() -> f.key.limitRequests(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a request limit must be 0 (none) or positive: -1");
    }

    // --- the window, on a clock the test moves ---

    private long now;
    private final RequestLimit limit = new RequestLimit(() -> now);

    @Test
    void theWindowSlidesOneSecondBehindEachRequest() {
        limit.set(2);
        now = ms(0);
        assertThat(limit.admit()).isZero();
        now = ms(400);
        assertThat(limit.admit()).isZero();
        now = ms(700);
        assertThat(limit.admit()).as("until the first leaves the window").isEqualTo(ms(300));
        now = ms(999);
        assertThat(limit.admit()).isEqualTo(ms(1));
        now = ms(1000);
        assertThat(limit.admit()).as("the first left the window").isZero();
        now = ms(1300);
        assertThat(limit.admit()).as("the second at 400 ms is still in it, with the third").isEqualTo(ms(100));

        assertThat(limit.received()).isEqualTo(6);
        assertThat(limit.refused()).isEqualTo(3);
    }

    @Test
    void refusedRequestsDoNotCountAgainstTheWindow() {
        limit.set(1);
        now = ms(0);
        limit.admit();
        for (int i = 1; i <= 9; i++) {
            now = ms(i * 100);
            assertThat(limit.admit()).isPositive();
        }

        now = ms(1000);

        assertThat(limit.admit()).isZero();
    }

    @Test
    void aLoweredLimitRefusesUntilEnoughHaveLeftTheWindow() {
        limit.set(3);
        now = ms(0);
        limit.admit();
        now = ms(100);
        limit.admit();
        now = ms(200);
        limit.admit();

        limit.set(1);
        now = ms(300);

        assertThat(limit.admit()).as("all three must leave; the last leaves at 1200 ms").isEqualTo(ms(900));
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUp() {
        assertThat(EmulatorDispatcher.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(EmulatorDispatcher.retryAfterSeconds(ms(1000))).isEqualTo(1);
        assertThat(EmulatorDispatcher.retryAfterSeconds(ms(1001))).isEqualTo(2);
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    // --- seed file and launcher ---

    @Test
    void aSeedFileSetsAKeysLimit(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("seed.json"),
                "{\"products\":[{\"id\":7,\"keys\":[{\"key\":\"K\",\"requestsPerSecond\":20},{\"key\":\"L\"}]}]}");
        Seed.read(file).applyTo(emulator);

        assertThat(emulator.product(7).key("K").requestLimit()).isEqualTo(20);
        assertThat(emulator.product(7).key("L").requestLimit()).isZero();
    }

    @Test
    void aNegativeLimitInASeedFileIsNamedWithItsPlace(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("seed.json"),
                "{\"products\":[{\"id\":7,\"keys\":[{\"key\":\"K\",\"requestsPerSecond\":-5}]}]}");

        assertThatThrownBy(() -> Seed.read(file)).hasMessage(file + ": products[0].keys[0].requestsPerSecond: must be 0 "
                + "(no limit) or positive");
    }

    @Test
    void theLauncherLimitsItsKey() throws IOException {
        Launcher.Started started = Launcher.start(new String[] {"--port=0", "--token=T", "--product-id=1", "--key=K",
                "--data=credits=5", "--requests-per-second=1"}, quiet(), quiet());
        try (CryptolensEmulator launched = started.emulator) {
            Client client = new Client(launched.url());
            List<String> fields = List.of("token", "T", "ProductId", "1", "Key", "K", "Name", "credits", "IntValue", "1");
            client.post("/api/data/DecrementIntValueToKey", fields.toArray(String[]::new)).ok();

            assertThat(client.post("/api/data/DecrementIntValueToKey", fields.toArray(String[]::new)).status)
                    .isEqualTo(429);
            assertThat(launched.product(1).key("K").requestsRateLimited()).isEqualTo(1);
        }
    }

    @Test
    void aLauncherLimitThatIsNotANumberIsABadCommandLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Launcher.Started started = Launcher.start(new String[] {"--token=T", "--product-id=1", "--key=K",
                "--requests-per-second", "fast"}, quiet(), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(started.exitCode).isEqualTo(Launcher.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("tollgate-testkit: --requests-per-second wants 0 "
                + "(no limit) or a positive number, not: fast");
    }

    @Test
    void aLauncherLimitBesideASeedFileIsABadCommandLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Launcher.Started started = Launcher.start(new String[] {"--seed=seed.json", "--requests-per-second=5"}, quiet(),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(started.exitCode).isEqualTo(Launcher.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("(a key's limit is its requestsPerSecond in the seed)");
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
