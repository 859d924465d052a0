package dev.tollgate.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * Something going wrong between a client and the backend, to inject with
 * {@link CryptolensEmulator#failNext(Fault)} and its siblings.
 *
 * <pre>{@code
 * emulator.failNext(Fault.serverError());                                  // one 503 with an HTML page
 * emulator.failNext(3, Fault.disconnect());                                // the next three calls drop
 * emulator.failNext(Endpoint.DECREMENT_INT_VALUE_TO_KEY, 1, Fault.lostReply());
 * emulator.failAlways(Fault.latency(Duration.ofMillis(200)));              // a slow backend
 * }</pre>
 *
 * <p>Only {@link #latency}, {@link #lostReply} and {@link #resultAsString} let the request take effect
 * (a counter moves); every other fault answers instead of the emulator, and nothing changes.
 */
public final class Fault {
    enum Kind { LATENCY, HTTP, DISCONNECT, LOST_REPLY, NO_REPLY, GARBAGE, WITHOUT_RESULT, RESULT_AS_STRING }

    static final String SERVER_ERROR_PAGE = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>"
            + "<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request."
            + "</p></body></html>\n";
    static final String TOO_MANY_REQUESTS_PAGE = "<!DOCTYPE html>\n<html><head><title>429 Too Many Requests</title>"
            + "</head><body><h1>Too Many Requests</h1></body></html>\n";
    static final String GARBAGE = "<html><body>this is not JSON {\"result\":0";

    private final Kind kind;
    private final int status;
    private final String body;
    private final Duration delay;

    private Fault(Kind kind, int status, String body, Duration delay) {
        this.kind = kind;
        this.status = status;
        this.body = body;
        this.delay = delay;
    }

    /**
     * The request is served normally, but the reply starts only after {@code delay}. The request takes
     * effect before the wait, so a client that times out has still been charged.
     */
    public static Fault latency(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + delay);
        }
        return new Fault(Kind.LATENCY, 0, null, delay);
    }

    /** A reply with this HTTP status and an HTML body ({@code Content-Type: text/html}). */
    public static Fault http(int status, String htmlBody) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("HTTP status out of 200..599: " + status);
        }
        return new Fault(Kind.HTTP, status, Objects.requireNonNull(htmlBody, "htmlBody"), null);
    }

    /** HTTP 503 with an HTML error page, as a gateway in front of the service would send. */
    public static Fault serverError() {
        return http(503, SERVER_ERROR_PAGE);
    }

    /** HTTP 429 with an HTML body and no {@code Retry-After} (the service documents no rate limit). */
    public static Fault tooManyRequests() {
        return http(429, TOO_MANY_REQUESTS_PAGE);
    }

    /** The connection is closed after the request was read, without any reply and without effect. */
    public static Fault disconnect() {
        return new Fault(Kind.DISCONNECT, 0, null, null);
    }

    /**
     * The request takes effect, then the connection is closed without any reply: the client cannot
     * know that it was charged.
     */
    public static Fault lostReply() {
        return new Fault(Kind.LOST_REPLY, 0, null, null);
    }

    /**
     * The request is read and never answered (no effect); the connection stays open until the client
     * gives up (its read timeout) or the emulator closes.
     */
    public static Fault noReply() {
        return new Fault(Kind.NO_REPLY, 0, null, null);
    }

    /** HTTP 200 with {@code Content-Type: application/json} and a body that is not JSON. */
    public static Fault garbage() {
        return garbage(GARBAGE);
    }

    /** HTTP 200 with {@code Content-Type: application/json} and this body. */
    public static Fault garbage(String body) {
        return new Fault(Kind.GARBAGE, 200, Objects.requireNonNull(body, "body"), null);
    }

    /**
     * HTTP 200 with a JSON body that has a {@code message} but no {@code result}, which the service
     * documents for rare server errors.
     */
    public static Fault withoutResult() {
        return new Fault(Kind.WITHOUT_RESULT, 200, null, null);
    }

    /**
     * The request is served normally, but {@code result} comes as a string ({@code "0"} or {@code "1"}),
     * as the service once did.
     */
    public static Fault resultAsString() {
        return new Fault(Kind.RESULT_AS_STRING, 0, null, null);
    }

    Kind kind() {
        return kind;
    }

    int status() {
        return status;
    }

    String body() {
        return body;
    }

    Duration delay() {
        return delay;
    }

    /** Whether the request is processed (and may change state) under this fault. */
    boolean takesEffect() {
        return kind == Kind.LATENCY || kind == Kind.LOST_REPLY || kind == Kind.RESULT_AS_STRING;
    }

    @Override
    public String toString() {
        switch (kind) {
            case LATENCY: return "Fault.latency(" + delay + ")";
            case HTTP: return "Fault.http(" + status + ")";
            case DISCONNECT: return "Fault.disconnect()";
            case LOST_REPLY: return "Fault.lostReply()";
            case NO_REPLY: return "Fault.noReply()";
            case GARBAGE: return "Fault.garbage()";
            case WITHOUT_RESULT: return "Fault.withoutResult()";
            case RESULT_AS_STRING: return "Fault.resultAsString()";
            default: throw new AssertionError(kind);
        }
    }
}
