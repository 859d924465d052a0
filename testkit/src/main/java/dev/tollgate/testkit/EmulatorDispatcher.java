package dev.tollgate.testkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.ByteString;

/** Turns each HTTP request into a Web API call (or an injected fault) and records it. */
final class EmulatorDispatcher extends Dispatcher {
    private static final String JSON = "application/json; charset=utf-8";

    private final DataApi api;
    private final FaultPlan faults;
    private final int errorStatus;
    private final int logLimit;
    private final Deque<RecordedCall> log = new ArrayDeque<>();
    private volatile MockWebServer server;

    EmulatorDispatcher(DataApi api, FaultPlan faults, int errorStatus, int logLimit) {
        this.api = api;
        this.faults = faults;
        this.errorStatus = errorStatus;
        this.logLimit = logLimit;
    }

    /** MockWebServer queues every request for {@code takeRequest}; the emulator drains that queue. */
    void attach(MockWebServer server) {
        this.server = server;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        drainServerQueue();

        String target = request.getTarget();
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String contentType = request.getHeaders().get("Content-Type");

        FormParams params = new FormParams();
        ByteString body = request.getBody();
        if (body != null && body.size() > 0 && isForm(contentType)) {
            params.addEncoded(body.utf8());
        }
        if (question >= 0) {
            params.addEncoded(target.substring(question + 1));
        }

        Endpoint endpoint = Endpoint.forPath(path);
        LicenseKey key = endpoint == null ? null : api.namedKey(params);
        long wait = key == null ? 0 : key.limit().admit();
        if (wait > 0) {
            // Before any fault: the limit stands in front of the service, and a refused request uses none up.
            Reply refused = rateLimited(key.requestLimit(), wait);
            record(new RecordedCall(request.getMethod(), path, endpoint, params.withoutToken(), params.string("token"),
                    contentType, refused.status, refused.body(), refused.result, refused.message, null));
            return json(new RecordedOutcome(refused)).newBuilder()
                    .setHeader("Retry-After", String.valueOf(retryAfterSeconds(wait)))
                    .build();
        }
        Fault fault = faults.take(endpoint);
        Reply reply = fault == null || fault.takesEffect() ? serve(request.getMethod(), path, endpoint, params) : null;

        MockResponse response;
        RecordedOutcome outcome;
        if (fault == null) {
            outcome = new RecordedOutcome(reply);
            response = json(outcome);
        } else {
            switch (fault.kind()) {
                case LATENCY:
                    outcome = new RecordedOutcome(reply);
                    response = json(outcome).newBuilder()
                            .headersDelay(fault.delay().toNanos(), TimeUnit.NANOSECONDS)
                            .build();
                    break;
                case RESULT_AS_STRING:
                    outcome = new RecordedOutcome(reply.withResultAsString());
                    response = json(outcome);
                    break;
                case HTTP:
                    response = new MockResponse.Builder()
                            .status("HTTP/1.1 " + fault.status() + " " + reason(fault.status()))
                            .setHeader("Content-Type", "text/html; charset=utf-8")
                            .body(fault.body())
                            .build();
                    outcome = new RecordedOutcome(fault.status(), fault.body(), null, null);
                    break;
                case GARBAGE:
                    response = new MockResponse.Builder()
                            .setHeader("Content-Type", JSON)
                            .body(fault.body())
                            .build();
                    outcome = new RecordedOutcome(200, fault.body(), null, null);
                    break;
                case WITHOUT_RESULT:
                    String messageOnly = Json.write(Map.of("message", Messages.SERVER_ERROR));
                    response = new MockResponse.Builder()
                            .setHeader("Content-Type", JSON)
                            .body(messageOnly)
                            .build();
                    outcome = new RecordedOutcome(200, messageOnly, null, Messages.SERVER_ERROR);
                    break;
                case DISCONNECT:
                case LOST_REPLY:
                    response = new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
                    outcome = RecordedOutcome.NONE;
                    break;
                case NO_REPLY:
                    response = new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
                    outcome = RecordedOutcome.NONE;
                    break;
                default:
                    throw new AssertionError(fault);
            }
        }

        record(new RecordedCall(request.getMethod(), path, endpoint, params.withoutToken(), params.string("token"),
                contentType, outcome.status, outcome.body, outcome.result, outcome.message, fault));
        return response;
    }

    private Reply serve(String method, String path, Endpoint endpoint, FormParams params) {
        if (endpoint == null) {
            return Reply.error(404, "The emulator has no method at " + path);
        }
        if (!method.equals("POST") && !method.equals("GET")) {
            return Reply.error(405, "The emulator answers POST and GET only, not " + method);
        }
        return api.handle(endpoint, params).withErrorStatus(errorStatus);
    }

    /** The 429 of a request over its key's limit, {@code waitNanos} before one would be served. */
    private static Reply rateLimited(int perSecond, long waitNanos) {
        return Reply.error(429, "Too many requests for this license key: at most " + perSecond
                + " per second; retry after " + retryAfterSeconds(waitNanos) + " s.");
    }

    /** Whole seconds, rounded up: a client that waits as long is served. */
    static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, (waitNanos + RequestLimit.WINDOW_NANOS - 1) / RequestLimit.WINDOW_NANOS);
    }

    private static MockResponse json(RecordedOutcome outcome) {
        return new MockResponse.Builder()
                .status("HTTP/1.1 " + outcome.status + " " + reason(outcome.status))
                .setHeader("Content-Type", JSON)
                .body(outcome.body)
                .build();
    }

    private static boolean isForm(String contentType) {
        return contentType == null
                || contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 429: return "Too Many Requests";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            default: return status < 400 ? "OK" : status < 500 ? "Client Error" : "Server Error";
        }
    }

    private void drainServerQueue() throws InterruptedException {
        MockWebServer s = server;
        if (s != null) {
            while (s.takeRequest(0, TimeUnit.NANOSECONDS) != null) {
                // dropped: the emulator keeps its own, bounded log
            }
        }
    }

    private void record(RecordedCall call) {
        synchronized (log) {
            log.addLast(call);
            while (log.size() > logLimit) {
                log.removeFirst();
            }
        }
    }

    List<RecordedCall> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    List<RecordedCall> requests(Endpoint endpoint) {
        List<RecordedCall> out = new ArrayList<>();
        for (RecordedCall call : requests()) {
            if (call.endpoint().orElse(null) == endpoint) {
                out.add(call);
            }
        }
        return List.copyOf(out);
    }

    void clearRequests() {
        synchronized (log) {
            log.clear();
        }
    }

    /** What a request got, for the log. */
    private static final class RecordedOutcome {
        static final RecordedOutcome NONE = new RecordedOutcome(0, null, null, null);

        final int status;
        final String body;
        final Integer result;
        final String message;

        RecordedOutcome(Reply reply) {
            this(reply.status, reply.body(), reply.result, reply.message);
        }

        RecordedOutcome(int status, String body, Integer result, String message) {
            this.status = status;
            this.body = body;
            this.result = result;
            this.message = message;
        }
    }
}
