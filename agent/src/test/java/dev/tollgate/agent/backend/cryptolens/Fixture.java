package dev.tollgate.agent.backend.cryptolens;

import dev.tollgate.agent.config.CryptolensSettings;
import dev.tollgate.agent.backend.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;

/**
 * A MockWebServer (TCP_NODELAY) and backends pointed at it; records every warning and every outcome
 * handed out, so that tests can check that no text anywhere holds the token.
 */
final class Fixture implements AutoCloseable {

    static final String TOKEN = "WyI0NTYiLCJzZWNyZXQtdG9rZW4tZm9yLXRlc3RzIl0=";
    static final String KEY = "FRQHQ-FSOSD-BWOPU-KJOWF";

    final MockWebServer server;
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final List<String> texts = new CopyOnWriteArrayList<>();
    private final List<CryptolensBackend> backends = new ArrayList<>();

    Fixture() {
        try {
            server = NoDelayServerSocketFactory.startServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    CryptolensSettings.Builder settings() {
        return CryptolensSettings.builder().url(url()).token(TOKEN).productId(1234).key(KEY)
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2));
    }

    CryptolensBackend backend() {
        return backend(settings().build());
    }

    CryptolensBackend backend(CryptolensSettings settings) {
        return backend(settings, null);
    }

    CryptolensBackend backend(CryptolensSettings settings, UnaryOperator<OkHttpClient.Builder> tweak) {
        CryptolensBackend b = new CryptolensBackend(settings, warnings::add, tweak);
        backends.add(b);
        texts.add(b.describe());
        texts.add(b.toString());
        texts.add(settings.toString());
        texts.addAll(settings.problems());
        return b;
    }

    /** Records the outcome's text for the token checks and returns it. */
    Outcome seen(Outcome o) {
        texts.add(o.toString());
        if (o.detail() != null) {
            texts.add(o.detail());
        }
        return o;
    }

    void reply(String json) {
        reply(200, json);
    }

    void reply(int code, String body) {
        server.enqueue(new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
                .body(body).build());
    }

    void enqueue(MockResponse response) {
        server.enqueue(response);
    }

    RecordedRequest take() {
        try {
            RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no request arrived");
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The form fields of a request, decoded as UTF-8, in order. */
    static Map<String, String> form(RecordedRequest r) {
        Map<String, String> out = new LinkedHashMap<>();
        String body = r.getBody() == null ? "" : r.getBody().utf8();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    // --- replies as the service sends them ---

    static String ok() {
        return "{\"result\":0,\"message\":null}";
    }

    static String refused(String message) {
        return "{\"result\":1,\"message\":\"" + message + "\"}";
    }

    static String added(long id) {
        return "{\"id\":" + id + ",\"result\":0,\"message\":null}";
    }

    /** A list reply; {@code objects} are (id, name, intValue) triples. */
    static String list(Object... objects) {
        StringBuilder s = new StringBuilder("{\"dataObjects\":[");
        for (int i = 0; i < objects.length; i += 3) {
            if (i > 0) {
                s.append(',');
            }
            s.append("{\"id\":").append(objects[i]).append(",\"name\":\"").append(objects[i + 1])
                    .append("\",\"stringValue\":null,\"intValue\":").append(objects[i + 2]).append('}');
        }
        return s.append("],\"result\":0,\"message\":null}").toString();
    }

    @Override
    public void close() {
        for (CryptolensBackend b : backends) {
            b.close();
        }
        texts.addAll(warnings);
        server.close();
    }
}
