package dev.tollgate.agent.backend.cryptolens;

import dev.tollgate.agent.config.CryptolensSettings;
import static dev.tollgate.agent.backend.cryptolens.Fixture.list;
import static dev.tollgate.agent.backend.cryptolens.Fixture.ok;
import static dev.tollgate.agent.backend.cryptolens.Fixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.backend.Outcome.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way a call can fail, and the outcome it becomes. */
class CryptolensFailuresTest {

    private final Fixture f = new Fixture();

    @AfterEach
    void close() {
        f.close();
    }

    private CryptolensBackend shortTimeouts() {
        return f.backend(f.settings().connectTimeout(Duration.ofMillis(200)).readTimeout(Duration.ofMillis(200))
                .build());
    }

    /** A backend whose counter 'credits' (id 5, value 10) is already looked up. */
    private CryptolensBackend withCachedCredits(CryptolensBackend b) {
        f.reply(list(5, "credits", 10));
        f.reply(ok());
        assertThat(b.take("credits", 1, 0).isGranted()).isTrue();
        return b;
    }

    private static void assertUnavailable(Outcome o, boolean ambiguous, String... detailParts) {
        assertThat(o.status()).isEqualTo(Status.UNAVAILABLE);
        assertThat(o.ambiguous()).as("ambiguous: " + o).isEqualTo(ambiguous);
        assertThat(o.value()).isEqualTo(Outcome.UNKNOWN);
        assertThat(o.detail()).contains(detailParts);
    }

    private static void assertMisconfigured(Outcome o, String... detailParts) {
        assertThat(o.status()).as(o.toString()).isEqualTo(Status.MISCONFIGURED);
        assertThat(o.detail()).contains(detailParts);
    }

    // --- refusals the text decides ---

    @Test
    void accessDeniedOnListNamesTheListPermission() {
        f.reply(refused("Access denied."));

        assertMisconfigured(f.seen(f.backend().read("credits")), "Cryptolens refused ListDataObjectsToKey "
                + "(\"Access denied.\"): give the access token the ListDataObjects permission",
                "Product lock", "product 1234");
    }

    @Test
    void accessDeniedOnDecrementNamesTheDecrementPermission() {
        f.reply(list(5, "credits", 10));
        f.reply(refused("Access denied."));

        assertMisconfigured(f.backend().take("credits", 1, 0), "DecrementIntValueToKey", "DecrementIntValue permission");
        assertThat(f.server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void accessDeniedOnIncrementNamesTheIncrementPermission() {
        f.reply(list(5, "usage", 10));
        f.reply(refused("Access denied."));

        assertMisconfigured(f.backend().add("usage", 1, Backend.NO_CAP), "IncrementIntValue permission");
    }

    @Test
    void accessDeniedOnCreateNamesTheAddPermission() {
        f.reply(list());
        f.reply(refused("Access denied."));

        assertMisconfigured(f.backend().add("usage", 1, Backend.NO_CAP), "AddDataObjectToKey",
                "AddDataObject permission");
        assertThat(f.server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void accessDeniedOnAMachineCodeMethodNamesThatMethod() {
        f.reply(refused("Access denied."));

        assertMisconfigured(f.backend(f.settings().machineCode("m").build()).read("c"),
                "ListDataObjectsToMachineCode", "ListDataObjects permission");
    }

    @Test
    void unableToAuthenticateTellsToCheckTheToken() {
        f.reply(refused("Unable to authenticate."));

        assertMisconfigured(f.backend().read("credits"), "did not accept the access token", "cryptolens.token");
    }

    @Test
    void knownTextsAreMatchedWithoutCaseOrFinalPeriod() {
        f.reply(refused("unable to authenticate"));

        assertMisconfigured(f.backend().read("credits"), "cryptolens.token");
    }

    @Test
    void notEnoughPermissionOnAListNamesTheKeyTheProductAndKeyLock() {
        f.reply(refused("Not enough permission and/or key not found."));

        assertMisconfigured(f.backend().read("credits"), "could not reach license key FRQHQ… of product 1234",
                "cryptolens.key", "cryptolens.productId", "Key lock -1");
    }

    @Test
    void notEnoughPermissionForAMachineCodeAlsoNamesTheActivation() {
        f.reply(refused("Not enough permission and/or key not found."));

        assertMisconfigured(f.backend(f.settings().machineCode("m-9").build()).read("credits"),
                "machine code m-9 must be activated on the key");
    }

    @Test
    void notEnoughPermissionOnAStepConfirmedByTheListIsMisconfigured() {
        CryptolensBackend b = withCachedCredits(f.backend());
        f.reply(refused("Not enough permission and/or key not found."));
        f.reply(refused("Not enough permission and/or key not found."));

        assertMisconfigured(b.take("credits", 1, 0), "could not reach license key", "Key lock -1");
    }

    @Test
    void notEnoughPermissionOnAStepWhileTheCounterHasRoomNamesTheStepPermission() {
        CryptolensBackend b = withCachedCredits(f.backend());
        f.reply(refused("Not enough permission and/or key not found."));
        f.reply(list(5, "credits", 10));

        assertMisconfigured(b.take("credits", 1, 0), "refused DecrementIntValueToKey on counter 'credits'",
                "although the counter can be listed", "DecrementIntValue permission", "Key lock -1");
    }

    @Test
    void anUnknownRefusalWhileTheCounterHasRoomPointsAtTheFeatureLock() {
        f.reply(list(5, "usage", 10));
        f.reply(refused("Feature lock exceeded."));
        f.reply(list(5, "usage", 10));

        assertMisconfigured(f.backend().add("usage", 3, 100), "Cryptolens refused IncrementIntValueToKey with "
                + "\"Feature lock exceeded.\" on counter 'usage' (value 10, step 3); if the access token has a "
                + "Feature lock, it must be at least 3");
    }

    @Test
    void anUnknownRefusalOfAListIsMisconfiguredQuotingIt() {
        f.reply(refused("Your plan does not include data objects."));

        assertMisconfigured(f.backend().read("credits"),
                "Cryptolens refused ListDataObjectsToKey with \"Your plan does not include data objects.\"");
    }

    @Test
    void aRefusalWithoutAMessageSaysSo() {
        f.reply("{\"result\":1}");

        assertMisconfigured(f.backend().read("credits"), "Cryptolens refused ListDataObjectsToKey with no message");
    }

    @Test
    void aRefusedCreateOfAStillMissingCounterIsMisconfigured() {
        f.reply(list());
        f.reply(refused("The name is too long."));
        f.reply(list());

        assertMisconfigured(f.backend().add("a-very-long-usage-counter", 1, Backend.NO_CAP),
                "AddDataObjectToKey", "\"The name is too long.\"", "at most 10 characters");
    }

    @Test
    void aCreateThatCannotBeFoundAfterwardsIsUnavailable() {
        f.reply(list());
        f.reply(ok());
        f.reply(list());

        assertUnavailable(f.backend().add("usage", 1, Backend.NO_CAP), false, "could not be found afterwards");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Could not find the product.|could not find product 1234|cryptolens.productId",
        "Could not find the key.|could not find license key FRQHQ…|cryptolens.key",
        "The key is blocked and cannot be accessed.|license key FRQHQ… is blocked|unblock it",
        "No active subscription found. Please contact support.|no active subscription|renew it",
        "The input parameters were incorrect.|input of ListDataObjectsToKey incorrect|the counter name"})
    void verifiedRefusalTextsSayWhatToFix(String message, String part1, String part2) {
        f.reply(refused(message));

        assertMisconfigured(f.backend().read("credits"), part1, part2);
    }

    @Test
    void theServerErrorTextIsUnavailableOnAList() {
        f.reply(refused("Something went wrong. Please contact support@cryptolens.io and we will try to fix it."));

        assertUnavailable(f.backend().read("credits"), false, "server error in ListDataObjectsToKey");
    }

    @Test
    void theServerErrorTextIsAmbiguousOnAStep() {
        CryptolensBackend b = withCachedCredits(f.backend());
        f.reply(refused("Something went wrong. Please contact support@cryptolens.io and we will try to fix it."));

        assertUnavailable(b.take("credits", 1, 0), true, "server error in DecrementIntValueToKey");
    }

    @Test
    void anErrorStatusWithAJsonBodyIsDecidedByItsResult() {
        f.reply(401, refused("Unable to authenticate."));

        assertMisconfigured(f.backend().read("credits"), "cryptolens.token");
    }

    // --- HTTP status and body ---

    @Test
    void http429IsUnavailable() {
        f.reply(429, "");

        assertUnavailable(f.backend().read("credits"), false, "ListDataObjectsToKey answered HTTP 429");
    }

    @Test
    void http429OnAStepIsNotAmbiguous() {
        CryptolensBackend b = withCachedCredits(f.backend());
        f.reply(429, refused("Too many requests."));

        assertUnavailable(b.take("credits", 1, 0), false, "HTTP 429");
    }

    @Test
    void http429IsRateLimitedWithTheWaitItsRetryAfterAsksFor() {
        CryptolensBackend b = withCachedCredits(f.backend());
        f.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "3")
                .setHeader("Content-Type", "application/json").body(refused("Too many requests.")).build());

        Outcome o = b.take("credits", 1, 0);

        assertUnavailable(o, false, "DecrementIntValueToKey answered HTTP 429 (too many requests, Retry-After 3 s)");
        assertThat(o.rateLimited()).isTrue();
        assertThat(o.retryAfterMillis()).isEqualTo(3000);
    }

    @Test
    void http429WithoutAUsableRetryAfterIsRateLimitedWithoutAWait() {
        f.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "soon").body("").build());
        f.reply(429, "");

        Outcome garbled = f.backend().read("credits");
        Outcome none = f.backend().read("credits");

        for (Outcome o : List.of(garbled, none)) {
            assertThat(o.rateLimited()).as(o.toString()).isTrue();
            assertThat(o.retryAfterMillis()).as(o.toString()).isZero();
            assertThat(o.detail()).contains("HTTP 429 (too many requests)").doesNotContain("Retry-After");
        }
    }

    @Test
    void otherFailuresAreNotRateLimited() {
        f.reply(503, "<html>down</html>");

        Outcome o = f.backend().read("credits");

        assertThat(o.rateLimited()).isFalse();
        assertThat(o.retryAfterMillis()).isEqualTo(-1);
    }

    @Test
    void http500WithHtmlOnAStepIsAmbiguousWithAShortOneLineSnippet() {
        CryptolensBackend b = withCachedCredits(f.backend());
        String html = "<html>\n<head><title>500 Internal Server Error</title></head>\n<body>" + "x".repeat(500)
                + "</body></html>";
        f.reply(500, html);

        Outcome o = b.take("credits", 1, 0);

        assertUnavailable(o, true, "DecrementIntValueToKey answered HTTP 500: <html> <head><title>500 Internal");
        assertThat(o.detail()).doesNotContain("\n").endsWith("…").hasSizeLessThan(140);
    }

    @Test
    void http502OnAListIsUnavailable() {
        f.reply(502, "<html><body>502 Bad Gateway</body></html>");

        assertUnavailable(f.backend().read("credits"), false, "HTTP 502: <html><body>502 Bad Gateway</body></html>");
    }

    @Test
    void http503OnAStepIsNotAmbiguous() {
        CryptolensBackend b = withCachedCredits(f.backend());
        f.reply(503, "");

        assertUnavailable(b.take("credits", 1, 0), false, "HTTP 503");
    }

    @Test
    void aNonJsonBodyWithStatus200IsUnavailable() {
        f.reply("<html>Please log in to the hotel wifi</html>");

        assertUnavailable(f.backend().read("credits"), false,
                "answered HTTP 200 with a body that is not JSON: <html>Please log in");
    }

    @Test
    void aNonJsonBodyAfterAStepIsAmbiguous() {
        CryptolensBackend b = withCachedCredits(f.backend());
        f.reply("OK");

        assertUnavailable(b.take("credits", 1, 0), true, "not JSON: OK");
    }

    @Test
    void aNonJsonBodyWith404IsUnavailableNamingTheStatus() {
        CryptolensBackend b = withCachedCredits(f.backend());
        f.reply(404, "<h1>Not Found</h1>");

        assertUnavailable(b.take("credits", 1, 0), false, "HTTP 404 with a body that is not JSON");
    }

    @Test
    void anEmptyBodyIsUnavailable() {
        f.reply("");

        assertUnavailable(f.backend().read("credits"), false, "with an empty body");
    }

    @Test
    void jsonThatIsNotAnObjectIsUnavailable() {
        f.reply("[1,2,3]");

        assertUnavailable(f.backend().read("credits"), false, "JSON that is not an object: [1,2,3]");
    }

    @Test
    void aReplyWithoutResultIsUnavailableQuotingTheMessage() {
        f.reply("{\"message\":\"An error occurred.\"}");

        assertUnavailable(f.backend().read("credits"), false, "without a result, message \"An error occurred.\"");
    }

    @Test
    void aStepReplyWithoutResultIsAmbiguous() {
        CryptolensBackend b = withCachedCredits(f.backend());
        f.reply("{\"Message\":\"An error occurred.\"}");

        assertUnavailable(b.take("credits", 1, 0), true, "without a result");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "true", "\"yes\"", "[0]", "1.0"})
    void anUnexpectedResultIsUnavailable(String result) {
        f.reply("{\"result\":" + result + "}");

        assertUnavailable(f.backend().read("credits"), false, "with an unexpected result: " + result);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"dataObjects\":{},\"result\":0}|dataObjects is not a list",
        "{\"dataObjects\":[5],\"result\":0}|an entry of dataObjects is not an object",
        "{\"dataObjects\":[{\"name\":\"credits\",\"intValue\":1}],\"result\":0}|a data object has no numeric id",
        "{\"dataObjects\":[{\"id\":1.5,\"name\":\"credits\"}],\"result\":0}|a data object has no numeric id",
        "{\"dataObjects\":[{\"id\":1,\"name\":7}],\"result\":0}|a data object's name is not text",
        "{\"dataObjects\":[{\"id\":1,\"name\":\"c\",\"intValue\":3000000000}],\"result\":0}|a data object's intValue is not an int32",
        "{\"dataObjects\":[{\"id\":1,\"name\":\"c\",\"intValue\":\"many\"}],\"result\":0}|a data object's intValue is not an int32"})
    void anUnexpectedListShapeIsUnavailable(String body, String detail) {
        f.reply(body);

        assertUnavailable(f.backend().read("credits"), false,
                "ListDataObjectsToKey answered an unexpected reply: " + detail);
    }

    @Test
    void aRedirectIsNotFollowed() {
        f.enqueue(new MockResponse.Builder().code(301).setHeader("Location", "https://app.cryptolens.io/api/x")
                .build());
        f.reply(list(1, "credits", 1));

        assertUnavailable(f.backend().read("credits"), false,
                "HTTP 301, a redirect to https://app.cryptolens.io/api/x, which is not followed; check cryptolens.url");
        assertThat(f.server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void anOversizedReplyIsUnavailable() {
        f.reply("{\"result\":0,\"pad\":\"" + "x".repeat(Wire.MAX_REPLY_BYTES) + "\"}");

        assertUnavailable(f.backend().read("credits"), false, "a reply over 1048576 bytes");
    }

    // --- the network ---

    @Test
    void aRefusedConnectionIsUnavailableNotAmbiguous() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }

        Outcome o = f.backend(f.settings().url("http://127.0.0.1:" + port).build()).take("credits", 1, 0);

        assertUnavailable(o, false, "ListDataObjectsToKey at 127.0.0.1:" + port
                + " failed before the request was sent: ConnectException");
    }

    @Test
    void aConnectTimeoutIsUnavailableNotAmbiguous() {
        CryptolensBackend b = f.backend(f.settings().build(), builder -> builder.socketFactory(new TimingOutSockets()));

        assertUnavailable(b.take("credits", 1, 0), false, "failed before the request was sent",
                "SocketTimeoutException: connect timed out");
        assertThat(f.server.getRequestCount()).isZero();
    }

    @Test
    void aReadTimeoutAfterSendingAStepIsAmbiguous() {
        CryptolensBackend b = withCachedCredits(shortTimeouts());
        f.enqueue(new MockResponse.Builder().body(ok()).headersDelay(1, TimeUnit.SECONDS).build());

        assertUnavailable(b.take("credits", 1, 0), true,
                "DecrementIntValueToKey at 127.0.0.1:" + f.server.getPort()
                        + " failed after the request was sent, so the step may have been applied",
                "SocketTimeoutException");
    }

    @Test
    void aReadTimeoutOnAListIsUnavailableNotAmbiguous() {
        CryptolensBackend b = shortTimeouts();
        f.enqueue(new MockResponse.Builder().body(list()).headersDelay(1, TimeUnit.SECONDS).build());

        assertUnavailable(b.read("credits"), false, "failed after the request was sent: SocketTimeoutException");
    }

    @Test
    void aSlowBodyAfterSendingAStepIsAmbiguous() {
        CryptolensBackend b = withCachedCredits(shortTimeouts());
        f.enqueue(new MockResponse.Builder().body(ok()).bodyDelay(1, TimeUnit.SECONDS).build());

        assertUnavailable(b.add("credits", 1, Backend.NO_CAP), true, "may have been applied");
    }

    @Test
    void aDroppedConnectionAfterSendingAStepIsAmbiguousAndTheStepIsNotResent() {
        CryptolensBackend b = withCachedCredits(f.backend());
        f.enqueue(new MockResponse.Builder().body(ok()).onResponseStart(new SocketEffect.CloseSocket()).build());
        f.reply(ok());

        assertUnavailable(b.take("credits", 1, 0), true, "may have been applied");
        assertThat(f.server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void httpsToAPlainHttpServerIsUnavailableNotAmbiguous() {
        CryptolensBackend b = f.backend(f.settings().url("https://127.0.0.1:" + f.server.getPort()).build());
        f.reply(ok());

        assertUnavailable(b.take("credits", 1, 0), false, "failed before the request was sent");
    }

    @Test
    void anInterruptedCallerGetsUnavailableBeforeConnectingAndKeepsItsInterrupt() {
        CryptolensBackend b = f.backend();
        f.reply(list(5, "credits", 10));

        Thread.currentThread().interrupt();
        Outcome o = b.take("credits", 1, 0);
        boolean stillInterrupted = Thread.interrupted();

        assertUnavailable(o, false, "failed before the request was sent: the calling thread was interrupted");
        assertThat(stillInterrupted).isTrue();
    }

    @Test
    void anInterruptedCallerOnAPooledConnectionKeepsItsInterrupt() {
        CryptolensBackend b = withCachedCredits(f.backend());
        f.reply(ok());

        Thread.currentThread().interrupt();
        Outcome o = b.take("credits", 1, 0);
        boolean stillInterrupted = Thread.interrupted();

        assertThat(o.status()).isEqualTo(Status.UNAVAILABLE);
        assertThat(o.detail()).contains("the calling thread was interrupted");
        assertThat(stillInterrupted).isTrue();
    }

    @Test
    void anExceptionInsideTheHttpClientIsCaughtAndWarned() {
        CryptolensBackend b = f.backend(f.settings().build(), builder -> builder.addInterceptor(chain -> {
            throw new IllegalStateException("boom");
        }));

        Outcome read = b.read("credits");
        Outcome take = b.take("credits", 1, 0);

        assertUnavailable(read, false, "internal error in cryptolens read: IllegalStateException: boom");
        assertUnavailable(take, true, "internal error in cryptolens take: IllegalStateException: boom");
        assertThat(f.warnings).containsExactly(read.detail(), take.detail());
    }

    @Test
    void aWarningConsumerThatThrowsDoesNotEscape() {
        CryptolensBackend b = new CryptolensBackend(f.settings().build(), m -> {
            throw new IllegalStateException("logger broken");
        });
        f.reply(list());

        assertThat(b.take("credits", 1, 0)).hasToString("BOUND_REACHED");
        b.close();
    }

    // --- arguments and settings ---

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2147483648|0|units 2147483648 is outside the int32 range",
        "-1|0|units must not be negative, got -1",
        "1|-2147483649|lowerBound -2147483649 is outside the int32 range"})
    void takeArgumentsOutsideInt32AreMisconfiguredWithoutACall(long units, long bound, String detail) {
        assertMisconfigured(f.backend().take("credits", units, bound), detail);
        assertThat(f.server.getRequestCount()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2147483648|100|units 2147483648 is outside the int32 range",
        "-5|100|units must not be negative",
        "1|2147483648|cap 2147483648 is outside the int32 range",
        "1|-2147483649|cap -2147483649 is outside the int32 range"})
    void addArgumentsOutsideInt32AreMisconfiguredWithoutACall(long units, long cap, String detail) {
        assertMisconfigured(f.backend().add("usage", units, cap), detail);
        assertThat(f.server.getRequestCount()).isZero();
    }

    @Test
    void anEmptyCounterNameIsMisconfigured() {
        CryptolensBackend b = f.backend();

        for (Outcome o : List.of(b.take(null, 1, 0), b.add(" ", 1, 5), b.read(""))) {
            assertMisconfigured(o, "the counter name is empty");
        }
        assertThat(f.server.getRequestCount()).isZero();
    }

    @Test
    void plainHttpToAnotherHostIsMisconfiguredOnEveryCallWithoutConnecting() {
        CryptolensBackend b = f.backend(f.settings().url("http://license.example:" + f.server.getPort()).build(),
                builder -> builder.dns(host -> List.of(InetAddress.getLoopbackAddress())));

        for (Outcome o : List.of(b.take("credits", 1, 0), b.add("usage", 1, 5), b.read("credits"))) {
            assertMisconfigured(o, CryptolensSettings.INSECURE_PROBLEM);
        }
        assertThat(b.connected()).isFalse();
        assertThat(b.describe()).endsWith("(misconfigured)");
    }

    @Test
    void plainHttpToAnotherHostWorksWithAllowInsecure() {
        CryptolensBackend b = f.backend(f.settings().url("http://license.example:" + f.server.getPort())
                .allowInsecure(true).build(), builder -> builder.dns(host -> List.of(InetAddress.getLoopbackAddress())));
        f.reply(list(1, "credits", 4));

        assertThat(b.read("credits")).hasToString("GRANTED value=4");
    }

    @Test
    void settingsProblemsAreAllNamed() {
        Outcome o = f.backend(CryptolensSettings.builder().build()).read("credits");

        assertMisconfigured(o, "cryptolens settings: cryptolens.token is missing", "cryptolens.productId is missing",
                "cryptolens.key is missing");
    }

    @Test
    void aClosedBackendIsUnavailable() {
        CryptolensBackend b = withCachedCredits(f.backend());

        b.close();
        b.close();

        assertUnavailable(b.take("credits", 1, 0), false, "the cryptolens backend is closed");
        assertThat(b.connected()).isFalse();
    }

    @Test
    void closingAnUnusedBackendBuildsNothing() {
        CryptolensBackend b = f.backend();

        b.close();

        assertThat(b.connected()).isFalse();
        assertUnavailable(b.read("credits"), false, "closed");
    }

    /** Sockets whose connect times out at once, as a connect to a black-holed address would. */
    private static final class TimingOutSockets extends SocketFactory {
        @Override
        public Socket createSocket() {
            return new Socket() {
                @Override
                public void connect(SocketAddress endpoint, int timeout) throws IOException {
                    throw new SocketTimeoutException("connect timed out");
                }
            };
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(InetAddress host, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
            throw new UnsupportedOperationException();
        }
    }
}
