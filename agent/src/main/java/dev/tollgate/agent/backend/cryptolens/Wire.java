package dev.tollgate.agent.backend.cryptolens;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.config.CryptolensSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSink;

/**
 * The HTTP and JSON half of the client: one form-encoded POST per call, the reply parsed into a
 * {@link Reply}, and every transport or format failure turned into an {@link Unusable} whose outcome
 * says whether the step may have been applied. Knows nothing about counters.
 *
 * <p>One pooled {@link OkHttpClient} per instance; an instance is created on the backend's first call.
 * Redirects are not followed (a POST must not turn into a GET elsewhere), and request bodies are
 * one-shot, so OkHttp may retry a failed connect on another route but never resends a request that has
 * started to go out: a counter step is sent at most once.
 */
final class Wire {

    /** Replies larger than this are refused (a list of data objects is a few hundred bytes). */
    static final int MAX_REPLY_BYTES = 1 << 20;
    private static final int SNIPPET_CHARS = 80;

    private final CryptolensSettings settings;
    private final Redactor redactor;
    private final HttpUrl base;
    private final OkHttpClient client;

    private Wire(CryptolensSettings settings, Redactor redactor, HttpUrl base, OkHttpClient client) {
        this.settings = settings;
        this.redactor = redactor;
        this.base = base;
        this.client = client;
    }

    /** Builds the client; {@code tweak} (tests only) may change the OkHttp builder. */
    static Wire open(CryptolensSettings settings, Redactor redactor, UnaryOperator<OkHttpClient.Builder> tweak)
            throws Unusable {
        HttpUrl base = HttpUrl.parse(settings.url());
        if (base == null) {
            throw new Unusable(Outcome.misconfigured("cryptolens.url is not a URL the HTTP client accepts: \""
                    + redactor.apply(settings.url()) + "\""));
        }
        long connectMs = settings.connectTimeout().toMillis();
        long readMs = settings.readTimeout().toMillis();
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(connectMs, TimeUnit.MILLISECONDS)
                .readTimeout(readMs, TimeUnit.MILLISECONDS)
                .writeTimeout(readMs, TimeUnit.MILLISECONDS)
                // Bounds DNS and everything else too; room for a second route's connect.
                .callTimeout(2 * (connectMs + readMs), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .followSslRedirects(false)
                .connectionPool(new ConnectionPool(4, 1, TimeUnit.MINUTES));
        if (tweak != null) {
            builder = tweak.apply(builder);
        }
        return new Wire(settings, redactor, base, builder.build());
    }

    /**
     * POSTs {@code token}, {@code ProductId}, {@code Key} (and {@code MachineCode} when set) followed by
     * {@code pairs} (name, value, name, value, ...) to the endpoint.
     *
     * @return the reply, successful or not ({@link Reply#ok()})
     * @throws Unusable when no readable reply came back
     */
    Reply post(Endpoint endpoint, String... pairs) throws Unusable {
        boolean machine = settings.machineCode() != null;
        String method = endpoint.name(machine);
        StringBuilder form = new StringBuilder(128);
        appendField(form, "token", settings.token());
        appendField(form, "ProductId", Integer.toString(settings.productId()));
        appendField(form, "Key", settings.key());
        if (machine) {
            appendField(form, "MachineCode", settings.machineCode());
        }
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            appendField(form, pairs[i], pairs[i + 1]);
        }
        HttpUrl url = base.newBuilder().addPathSegments(endpoint.path(machine)).build();
        Request request = new Request.Builder()
                .url(url)
                .header("Accept", "application/json")
                .header("User-Agent", "tollgate")
                .post(new OneShotForm(form.toString().getBytes(StandardCharsets.UTF_8)))
                .build();

        Call call = client.newCall(request);
        SendTracker tracker = new SendTracker();
        call.addEventListener(tracker);
        Response response;
        try {
            response = call.execute();
        } catch (IOException e) {
            throw transportFailure(endpoint, method, e, tracker.sent);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // OkHttp (Kotlin) throws InterruptedException undeclared when the calling thread is interrupted.
            throw transportFailure(endpoint, method, e, tracker.sent);
        }
        try {
            byte[] body;
            try {
                body = readBody(response.body());
            } catch (IOException e) {
                throw transportFailure(endpoint, method, e, true);
            }
            return interpret(endpoint, method, response, body);
        } finally {
            response.close();
        }
    }

    private Reply interpret(Endpoint endpoint, String method, Response response, byte[] body) throws Unusable {
        int code = response.code();
        boolean success = code >= 200 && code < 300;
        if (body == null) {
            throw fail(endpoint.charges() && success,
                    method + " answered HTTP " + code + " with a reply over " + MAX_REPLY_BYTES + " bytes");
        }
        if (code == 429) {
            // Certainly not applied; the wait it asks for keeps the breaker open (Breaker).
            long retryAfter = RetryAfter.millis(response.header("Retry-After"), System.currentTimeMillis());
            String asked = retryAfter > 0 ? ", Retry-After " + RetryAfter.seconds(retryAfter) : "";
            String d = method + " answered HTTP 429 (too many requests" + asked + ")" + bodyNote(body);
            throw new Unusable(Outcome.rateLimited(clip(redactor.apply(d), 500), retryAfter));
        }
        if (code >= 500) {
            // The request reached a server; behind a gateway (502, 504) or in the application (500) the step
            // may have been applied before the error. 503 is a refusal to serve at all.
            throw fail(endpoint.charges() && code != 503, method + " answered HTTP " + code + bodyNote(body));
        }
        JsonNode root = parse(body);
        if (root == null || !root.isObject()) {
            if (code >= 300 && code < 400) {
                String location = response.header("Location");
                throw fail(false, method + " answered HTTP " + code + ", a redirect"
                        + (location == null ? "" : " to " + shown(location))
                        + ", which is not followed; check cryptolens.url");
            }
            String what = root == null ? (body.length == 0 ? " with an empty body" : " with a body that is not JSON: "
                    + snippet(body)) : " with JSON that is not an object: " + snippet(body);
            throw fail(endpoint.charges() && success, method + " answered HTTP " + code + what);
        }
        JsonNode messageNode = Reply.field(root, "message");
        String message = messageNode == null || messageNode.isNull() ? null
                : redactor.apply(messageNode.isValueNode() ? messageNode.asText() : messageNode.toString());
        JsonNode resultNode = Reply.field(root, "result");
        if (resultNode == null || resultNode.isNull()) {
            throw fail(endpoint.charges() && success, method + " answered HTTP " + code + " without a result"
                    + (message == null ? "" : ", message \"" + clip(message) + "\""));
        }
        int result = resultValue(resultNode);
        if (result < 0) {
            throw fail(endpoint.charges() && success, method + " answered HTTP " + code
                    + " with an unexpected result: " + shown(resultNode.toString()));
        }
        return new Reply(method, result == 0, message, root);
    }

    /** 0 or 1, given as a number or as a string (both have been seen); -1 for anything else. */
    private static int resultValue(JsonNode n) {
        String text;
        if (n.isIntegralNumber()) {
            text = n.asText();
        } else if (n.isTextual()) {
            text = n.asText().trim();
        } else {
            return -1;
        }
        return "0".equals(text) ? 0 : "1".equals(text) ? 1 : -1;
    }

    private static JsonNode parse(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.trim().isEmpty()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The body, or null when it is larger than {@link #MAX_REPLY_BYTES}. */
    private static byte[] readBody(ResponseBody body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        byte[] buffer = new byte[4096];
        try (InputStream in = body.byteStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_REPLY_BYTES) {
                    return null;
                }
            }
        }
        return out.toByteArray();
    }

    private Unusable transportFailure(Endpoint endpoint, String method, Exception e, boolean sent) {
        boolean interrupted = e instanceof InterruptedException || (e instanceof InterruptedIOException
                && !(e instanceof SocketTimeoutException) && "interrupted".equals(e.getMessage()));
        if (interrupted) {
            Thread.currentThread().interrupt(); // keep the caller's interrupt for the caller
        }
        String where = method + " at " + base.host() + ":" + base.port();
        String cause = interrupted ? "the calling thread was interrupted" : describe(e);
        if (!sent) {
            return fail(false, where + " failed before the request was sent: " + cause);
        }
        if (endpoint.charges()) {
            return fail(true, where + " failed after the request was sent, so the step may have been applied: "
                    + cause);
        }
        return fail(false, where + " failed after the request was sent: " + cause);
    }

    /** Redacted first, then clipped: a cut must never leave part of a token behind. */
    private Unusable fail(boolean ambiguous, String detail) {
        String d = clip(redactor.apply(detail), 500);
        return new Unusable(ambiguous ? Outcome.ambiguous(d) : Outcome.unavailable(d));
    }

    private String bodyNote(byte[] body) {
        return body.length == 0 ? "" : ": " + snippet(body);
    }

    /** A text from the other side for a detail: redacted, then one line of at most 160 characters. */
    private String shown(String text) {
        return clip(redactor.apply(text));
    }

    /** The start of a body for a detail: redacted first, then one line of at most 80 characters. */
    private String snippet(byte[] body) {
        int n = Math.min(body.length, 8192);
        return clip(redactor.apply(new String(body, 0, n, StandardCharsets.UTF_8)), SNIPPET_CHARS);
    }

    static String describe(Throwable e) {
        StringBuilder s = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            s.append(": ").append(e.getMessage());
        }
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            s.append(" (").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                s.append(": ").append(cause.getMessage());
            }
            s.append(')');
        }
        return s.toString(); // not clipped: callers redact first, then clip
    }

    static String clip(String text) {
        return clip(text, 160);
    }

    /** One line: control characters and runs of white space become one space; cut at {@code max} chars. */
    static String clip(String text, int max) {
        StringBuilder s = new StringBuilder(Math.min(text.length(), max + 1));
        boolean space = false;
        for (int i = 0; i < text.length() && s.length() <= max; i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                space = s.length() > 0;
                continue;
            }
            if (space) {
                s.append(' ');
                space = false;
            }
            s.append(c);
        }
        return s.length() > max ? s.substring(0, max) + "…" : s.toString();
    }

    private static void appendField(StringBuilder form, String name, String value) {
        if (form.length() > 0) {
            form.append('&');
        }
        form.append(Redactor.formEncode(name)).append('=').append(Redactor.formEncode(value == null ? "" : value));
    }

    /** Releases pooled connections; never throws. */
    void close() {
        try {
            client.dispatcher().executorService().shutdown();
        } catch (Throwable ignored) {
            // Nothing to release then.
        }
        try {
            client.connectionPool().evictAll();
        } catch (Throwable ignored) {
            // Idle sockets are closed by the pool's own timeout.
        }
    }

    /** Notes when the request starts to go out; after that a lost answer leaves the step ambiguous. */
    private static final class SendTracker extends EventListener {
        volatile boolean sent;

        @Override
        public void requestHeadersStart(Call call) {
            sent = true;
        }
    }

    /** A form body that OkHttp must not send twice. */
    private static final class OneShotForm extends RequestBody {
        private static final MediaType FORM = MediaType.get("application/x-www-form-urlencoded");
        private final byte[] bytes;

        OneShotForm(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public MediaType contentType() {
            return FORM;
        }

        @Override
        public long contentLength() {
            return bytes.length;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            sink.write(bytes);
        }

        @Override
        public boolean isOneShot() {
            return true;
        }
    }

    /** One ObjectMapper for all backends, built on first use (lazy holder). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
