package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultTest {
    private CryptolensEmulator emulator;
    private Fixture f;

    @BeforeEach
    void start() {
        emulator = CryptolensEmulator.start();
        f = new Fixture(emulator);
        f.key.dataObject("credits", 10);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private Client.Reply spendOne() throws IOException {
        return f.decrement("credits", 1, true, 0);
    }

    private RecordedCall lastCall() {
        return emulator.requests().get(emulator.requests().size() - 1);
    }

    @Test
    void serverErrorIsA503HtmlPageAndChangesNothing() throws IOException {
        emulator.failNext(Fault.serverError());

        Client.Reply reply = spendOne();

        assertThat(reply.status).isEqualTo(503);
        assertThat(reply.contentType).startsWith("text/html");
        assertThat(reply.body).startsWith("<!DOCTYPE html>").contains("Service Unavailable");
        assertThat(f.key.value("credits")).isEqualTo(10);
        assertThat(lastCall().status()).isEqualTo(503);
        assertThat(lastCall().fault()).hasValueSatisfying(fault -> assertThat(fault).hasToString("Fault.http(503)"));
    }

    @Test
    void anyHttpStatusWithAnyHtmlBodyCanBeSent() throws IOException {
        emulator.failNext(Fault.http(502, "<html>bad gateway</html>"));

        Client.Reply reply = spendOne();

        assertThat(reply.status).isEqualTo(502);
        assertThat(reply.body).isEqualTo("<html>bad gateway</html>");
    }

    @Test
    void tooManyRequestsIsA429WithoutRetryAfter() throws IOException {
        emulator.failNext(Fault.tooManyRequests());

        Client.Reply reply = spendOne();

        assertThat(reply.status).isEqualTo(429);
        assertThat(reply.body).contains("Too Many Requests");
        assertThat(f.key.value("credits")).isEqualTo(10);
    }

    @Test
    void disconnectDropsTheConnectionWithoutEffect() {
        emulator.failNext(Fault.disconnect());

        assertThatThrownBy(this::spendOne).isInstanceOf(IOException.class);

        assertThat(f.key.value("credits")).isEqualTo(10);
        assertThat(lastCall().status()).isZero();
        assertThat(lastCall().reply()).isEmpty();
        assertThat(lastCall().result()).isEmpty();
    }

    @Test
    void lostReplyTakesEffectThenDropsTheConnection() {
        emulator.failNext(Fault.lostReply());

        assertThatThrownBy(this::spendOne).isInstanceOf(IOException.class);

        assertThat(f.key.value("credits")).isEqualTo(9);
        assertThat(lastCall().status()).isZero();
    }

    @Test
    void noReplyNeverAnswersUntilTheClientGivesUp() throws IOException {
        emulator.failNext(Fault.noReply());
        Client impatient = f.client.withReadTimeout(Duration.ofMillis(300));

        assertThatThrownBy(() -> impatient.post("/api/data/DecrementIntValueToKey", "token", Fixture.TOKEN,
                "ProductId", "3941", "Key", Fixture.KEY, "Name", "credits", "IntValue", "1"))
                .isInstanceOf(InterruptedIOException.class);

        assertThat(f.key.value("credits")).isEqualTo(10);
        spendOne().ok();
        assertThat(f.key.value("credits")).isEqualTo(9);
    }

    @Test
    void closingTheEmulatorEndsAPendingNoReply() {
        emulator.failNext(Fault.noReply());

        Thread closer = new Thread(() -> {
            while (emulator.requests().isEmpty()) {
                Thread.onSpinWait();
            }
            emulator.close();
        });
        closer.start();

        assertThatThrownBy(this::spendOne).isInstanceOf(IOException.class);
    }

    @Test
    void latencyDelaysAReplyThatHasAlreadyTakenEffect() {
        emulator.failNext(Fault.latency(Duration.ofSeconds(30)));
        Client impatient = f.client.withReadTimeout(Duration.ofMillis(300));

        assertThatThrownBy(() -> impatient.post("/api/data/DecrementIntValueToKey", "token", Fixture.TOKEN,
                "ProductId", "3941", "Key", Fixture.KEY, "Name", "credits", "IntValue", "1"))
                .isInstanceOf(InterruptedIOException.class);

        assertThat(f.key.value("credits")).isEqualTo(9);
        assertThat(lastCall().status()).isEqualTo(200);
        assertThat(lastCall().result()).hasValue(0);
    }

    @Test
    void aShortLatencyStillAnswersNormally() throws IOException {
        emulator.failNext(Fault.latency(Duration.ofMillis(20)));

        spendOne().ok();

        assertThat(f.key.value("credits")).isEqualTo(9);
    }

    @Test
    void garbageIsA200JsonReplyThatIsNotJson() throws IOException {
        emulator.failNext(Fault.garbage());

        Client.Reply reply = spendOne();

        assertThat(reply.status).isEqualTo(200);
        assertThat(reply.contentType).startsWith("application/json");
        assertThatThrownBy(reply::json).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(JsonProcessingException.class);
        assertThat(f.key.value("credits")).isEqualTo(10);
    }

    @Test
    void garbageCanBeAnyBody() throws IOException {
        emulator.failNext(Fault.garbage(""));

        assertThat(spendOne().body).isEmpty();
    }

    @Test
    void withoutResultAnswersOnlyAMessage() throws IOException {
        emulator.failNext(Fault.withoutResult());

        Client.Reply reply = spendOne();

        assertThat(reply.status).isEqualTo(200);
        assertThat(reply.body).isEqualTo(
                "{\"message\":\"Something went wrong. Please contact support@cryptolens.io and we will try to fix it.\"}");
        assertThat(reply.json().has("result")).isFalse();
        assertThat(f.key.value("credits")).isEqualTo(10);
    }

    @Test
    void resultAsStringTakesEffectAndQuotesTheResult() throws IOException {
        emulator.failNext(2, Fault.resultAsString());

        Client.Reply success = spendOne();
        Client.Reply failure = f.decrement("credits", 100, true, 0);

        assertThat(success.body).isEqualTo("{\"result\":\"0\",\"message\":null}");
        assertThat(failure.body).isEqualTo("{\"result\":\"1\",\"message\":\"The bound was reached.\"}");
        assertThat(f.key.value("credits")).isEqualTo(9);
    }

    @Test
    void failNextCountsRequestsThenServesNormally() throws IOException {
        emulator.failNext(2, Fault.serverError());

        assertThat(spendOne().status).isEqualTo(503);
        assertThat(f.call("ListDataObjectsToKey").status).isEqualTo(503);
        spendOne().ok();

        assertThat(f.key.value("credits")).isEqualTo(9);
    }

    @Test
    void anEndpointFaultLeavesOtherEndpointsAlone() throws IOException {
        emulator.failNext(Endpoint.DECREMENT_INT_VALUE_TO_KEY, 1, Fault.serverError());

        f.call("ListDataObjectsToKey").ok();
        assertThat(spendOne().status).isEqualTo(503);
        spendOne().ok();
    }

    @Test
    void globalFaultsAlsoHitUnknownPaths() throws IOException {
        emulator.failNext(Fault.tooManyRequests());

        assertThat(f.client.get("/nothing-here").status).isEqualTo(429);
    }

    @Test
    void failAlwaysLastsUntilCleared() throws IOException {
        emulator.failAlways(Endpoint.DECREMENT_INT_VALUE_TO_KEY, Fault.tooManyRequests());

        assertThat(spendOne().status).isEqualTo(429);
        assertThat(spendOne().status).isEqualTo(429);
        f.call("ListDataObjectsToKey").ok();

        emulator.clearFaults();
        spendOne().ok();
    }

    @Test
    void countedFaultsGoBeforeStandingOnesAndTheNewestStandingOneWins() throws IOException {
        emulator.failAlways(Fault.serverError());
        emulator.failAlways(Fault.tooManyRequests());
        emulator.failNext(Fault.http(500, "<html>once</html>"));

        assertThat(spendOne().status).isEqualTo(500);
        assertThat(spendOne().status).isEqualTo(429);
        assertThat(spendOne().status).isEqualTo(429);
    }

    @Test
    void countedFaultsAreUsedOldestFirst() throws IOException {
        emulator.failNext(Fault.http(500, "<html>first</html>"));
        emulator.failNext(Fault.http(502, "<html>second</html>"));

        assertThat(spendOne().status).isEqualTo(500);
        assertThat(spendOne().status).isEqualTo(502);
        spendOne().ok();
    }

    @Test
    void faultsRejectNonsense() {
        assertThatThrownBy(() -> Fault.http(199, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.http(600, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.http(503, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Fault.latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.latency(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Fault.garbage(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> emulator.failNext(0, Fault.disconnect())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emulator.failNext(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> emulator.failAlways(null, Fault.disconnect())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> emulator.failNext(null, 1, Fault.disconnect())).isInstanceOf(NullPointerException.class);
    }

    @Test
    void faultsDescribeThemselves() {
        assertThat(Fault.latency(Duration.ofMillis(5))).hasToString("Fault.latency(PT0.005S)");
        assertThat(Fault.tooManyRequests()).hasToString("Fault.http(429)");
        assertThat(Fault.disconnect()).hasToString("Fault.disconnect()");
        assertThat(Fault.lostReply()).hasToString("Fault.lostReply()");
        assertThat(Fault.noReply()).hasToString("Fault.noReply()");
        assertThat(Fault.garbage()).hasToString("Fault.garbage()");
        assertThat(Fault.withoutResult()).hasToString("Fault.withoutResult()");
        assertThat(Fault.resultAsString()).hasToString("Fault.resultAsString()");
    }
}
