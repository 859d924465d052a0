package dev.tollgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** A plain OkHttp client for the tests: form POSTs and GETs, replies parsed with Jackson. */
final class Client {
    static final ObjectMapper JSON = new ObjectMapper();

    /** No transparent retries: a dropped connection must reach the test as the fault it is. */
    static final OkHttpClient HTTP = new OkHttpClient.Builder()
            .retryOnConnectionFailure(false)
            .readTimeout(Duration.ofSeconds(20))
            .build();

    private final String baseUrl;
    private final OkHttpClient http;

    Client(String baseUrl) {
        this(baseUrl, HTTP);
    }

    Client(String baseUrl, OkHttpClient http) {
        this.baseUrl = baseUrl;
        this.http = http;
    }

    Client withReadTimeout(Duration timeout) {
        return new Client(baseUrl, http.newBuilder().readTimeout(timeout).build());
    }

    /** A reply as the tests see it. */
    static final class Reply {
        final int status;
        final String contentType;
        final String body;

        Reply(int status, String contentType, String body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        int result() {
            JsonNode result = json().get("result");
            if (result == null || !result.isInt()) {
                throw new AssertionError("no numeric result in " + body);
            }
            return result.intValue();
        }

        /** The message of a failure; asserts that it is one. */
        String error() {
            if (result() != 1) {
                throw new AssertionError("expected a failure, got " + body);
            }
            return json().get("message").asText();
        }

        /** Asserts success. */
        Reply ok() {
            if (result() != 0 || !json().get("message").isNull()) {
                throw new AssertionError("expected success, got " + body);
            }
            return this;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** POSTs {@code fields} (name, value, name, value...) form-encoded to {@code path}. */
    Reply post(String path, String... fields) throws IOException {
        FormBody.Builder form = new FormBody.Builder();
        for (int i = 0; i < fields.length; i += 2) {
            form.add(fields[i], fields[i + 1]);
        }
        return execute(new Request.Builder().url(baseUrl + path).post(form.build()).build());
    }

    /** GETs {@code pathAndQuery} as given. */
    Reply get(String pathAndQuery) throws IOException {
        return execute(new Request.Builder().url(baseUrl + pathAndQuery).get().build());
    }

    Reply execute(Request request) throws IOException {
        try (Response response = http.newCall(request).execute()) {
            return new Reply(response.code(), response.header("Content-Type"), response.body().string());
        }
    }
}
