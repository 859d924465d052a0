package dev.tollgate.vendor.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The Cryptolens Web API methods the vendor tool calls, over OkHttp: form-encoded POSTs to
 * {@code <base>/api/<method>} with the token in the body (never in the URL, so it is in no log line of a
 * proxy or of OkHttp's exceptions).
 *
 * <pre>{@code
 * WebApi api = new WebApi(HttpUrl.get("https://api.cryptolens.io"), token, Backoff.standard());
 * KeyData key = api.dataObjects(3941, "AAAAA-BBBBB-CCCCC-DDDDD");
 * api.decrement(3941, "AAAAA-BBBBB-CCCCC-DDDDD", "render", 120);
 * }</pre>
 *
 * <p>Reads (GetKeys, ListDataObjects, permission probes) are tried again after a transient failure
 * with {@link Backoff}. Writes are sent once: whether a write whose answer was lost took effect is for
 * the caller to find out by reading, never by sending it again blindly.
 */
public final class WebApi {
    public static final String GET_KEYS = "product/GetKeys";
    public static final String LIST = "data/ListDataObjectsToKey";
    public static final String ADD = "data/AddDataObjectToKey";
    public static final String INCREMENT = "data/IncrementIntValueToKey";
    public static final String DECREMENT = "data/DecrementIntValueToKey";
    public static final String SET_INT = "data/SetIntValueToKey";
    /** A name no object has: a probe that names it changes nothing. */
    static final String PROBE_NAME = "tollgate.probe.no-such-object";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpUrl base;
    private final String token;
    private final Backoff backoff;
    private final OkHttpClient http;

    public WebApi(HttpUrl base, String token, Backoff backoff) {
        this.base = base;
        this.token = token;
        this.backoff = backoff;
        this.http = new OkHttpClient.Builder()
                .retryOnConnectionFailure(false)
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(30))
                .callTimeout(Duration.ofSeconds(60))
                .build();
    }

    /** The keys of page {@code page} (from 1) of a product, with the paging totals. */
    KeyListing keys(int productId, int page) throws ApiFailure {
        JsonNode reply = read(GET_KEYS, "ProductId", Integer.toString(productId), "Page", Integer.toString(page));
        List<KeyListing.Listed> keys = new ArrayList<>();
        for (JsonNode key : field(reply, "licenseKeys")) {
            JsonNode objects = field(key, "dataObjects");
            keys.add(new KeyListing.Listed(field(key, "key").asText(),
                    objects.isArray() ? values(objects) : null));
        }
        return new KeyListing(keys, field(reply, "total").asInt(keys.size()), field(reply, "pageCount").asInt(1));
    }

    /** The key-level data objects of one key, as the service has them now. */
    public KeyData dataObjects(int productId, String key) throws ApiFailure {
        JsonNode reply = read(LIST, "ProductId", Integer.toString(productId), "Key", key, "Contains", "");
        return new KeyData(key, values(field(reply, "dataObjects")));
    }

    /** Adds an object unless one of that name exists ({@code CheckForDuplicates=true}). */
    public void add(int productId, String key, String name, int intValue, String stringValue) throws ApiFailure {
        write(ADD, "ProductId", Integer.toString(productId), "Key", key, "Name", name,
                "IntValue", Integer.toString(intValue), "StringValue", stringValue == null ? "" : stringValue,
                "CheckForDuplicates", "true");
    }

    /** Adds {@code amount} to the object named {@code name}, atomically and without a bound. */
    public void increment(int productId, String key, String name, int amount) throws ApiFailure {
        write(INCREMENT, "ProductId", Integer.toString(productId), "Key", key, "Id", "0", "Name", name,
                "IntValue", Integer.toString(amount), "EnableBound", "false", "Bound", "0");
    }

    /** Takes {@code amount} off the object named {@code name}, atomically and without a bound. */
    public void decrement(int productId, String key, String name, int amount) throws ApiFailure {
        write(DECREMENT, "ProductId", Integer.toString(productId), "Key", key, "Id", "0", "Name", name,
                "IntValue", Integer.toString(amount), "EnableBound", "false", "Bound", "0");
    }

    /** Sets the int value of the object named {@code name}. */
    public void setInt(int productId, String key, String name, int value) throws ApiFailure {
        write(SET_INT, "ProductId", Integer.toString(productId), "Key", key, "Id", "0", "Name", name,
                "IntValue", Integer.toString(value));
    }

    /**
     * Makes sure, before anything is changed, that the token may call each of {@code methods} (each a
     * by-name step or set on a key): each is called for an object that does not exist, which a token
     * with the permission gets "not found" for and one without it "Access denied.".
     *
     * @throws ApiFailure the first refusal other than "not found"
     */
    public void requireWrites(int productId, String key, List<String> methods) throws ApiFailure {
        for (String method : methods) {
            ApiFailure refusal = probe(method, "ProductId", Integer.toString(productId), "Key", key, "Id", "0",
                    "Name", PROBE_NAME, "IntValue", "0");
            if (refusal != null && refusal.kind() != ApiFailure.Kind.NOT_FOUND) {
                throw refusal;
            }
        }
    }

    /**
     * The permission a token needs for {@code method}, as named on the Cryptolens token page, e.g.
     * {@code DecrementIntValue} for {@code data/DecrementIntValueToKey}.
     */
    public static String permissionOf(String method) {
        String name = method.substring(method.indexOf('/') + 1);
        return name.endsWith("ToKey") ? name.substring(0, name.length() - "ToKey".length()) : name;
    }

    /**
     * Calls {@code method} with parameters that change nothing (a name no object has, an amount of 0),
     * to learn whether the token holds the method's permission before anything is changed. Returns the
     * refusal, or {@code null} when the call was accepted.
     */
    ApiFailure probe(String method, String... params) throws ApiFailure {
        try {
            read(method, params);
            return null;
        } catch (ApiFailure failure) {
            if (failure.isTransient()) {
                throw failure;
            }
            return failure;
        }
    }

    private JsonNode read(String method, String... params) throws ApiFailure {
        for (int attempt = 1; ; attempt++) {
            try {
                return call(method, params);
            } catch (ApiFailure failure) {
                if (!failure.isTransient() || !backoff.pause(attempt)) {
                    throw failure;
                }
            }
        }
    }

    private void write(String method, String... params) throws ApiFailure {
        call(method, params);
    }

    private JsonNode call(String method, String... params) throws ApiFailure {
        FormBody.Builder form = new FormBody.Builder().add("token", token);
        for (int i = 0; i < params.length; i += 2) {
            form.add(params[i], params[i + 1]);
        }
        Request request = new Request.Builder().url(base.newBuilder().addPathSegment("api")
                .addPathSegments(method).build()).post(form.build()).build();
        int status;
        String body;
        try (Response response = http.newCall(request).execute()) {
            status = response.code();
            ResponseBody responseBody = response.body();
            body = responseBody == null ? "" : responseBody.string();
        } catch (IOException e) {
            throw new ApiFailure(ApiFailure.Kind.TRANSIENT, method, null,
                    method + ": no answer from " + base.host() + ":" + base.port() + " (" + e.getClass().getSimpleName() + ")");
        }
        if (status == 429 || status >= 500) {
            throw new ApiFailure(ApiFailure.Kind.TRANSIENT, method, null, method + ": HTTP " + status + " from the service");
        }
        JsonNode reply;
        try {
            reply = JSON.readTree(body);
        } catch (IOException e) {
            reply = null;
        }
        JsonNode result = reply == null ? null : field(reply, "result");
        if (result == null || result.isMissingNode() || !(result.isInt() || result.isTextual())) {
            throw new ApiFailure(ApiFailure.Kind.TRANSIENT, method, null,
                    method + ": the answer (HTTP " + status + ") is not a Web API reply");
        }
        if ("0".equals(result.asText())) {
            return reply;
        }
        JsonNode messageNode = field(reply, "message");
        String message = messageNode.isTextual() ? messageNode.textValue() : null;
        throw new ApiFailure(kindOf(message), method, message, method + ": " + (message == null ? "refused" : message));
    }

    private static ApiFailure.Kind kindOf(String message) {
        if (message == null) {
            return ApiFailure.Kind.REFUSED;
        }
        return switch (message) {
            case "Unable to authenticate." -> ApiFailure.Kind.AUTHENTICATION;
            case "Access denied." -> ApiFailure.Kind.ACCESS_DENIED;
            case "Not enough permission and/or key not found." -> ApiFailure.Kind.NOT_FOUND;
            case "Could not find the product." -> ApiFailure.Kind.PRODUCT_NOT_FOUND;
            default -> message.startsWith("Something went wrong.") ? ApiFailure.Kind.TRANSIENT : ApiFailure.Kind.REFUSED;
        };
    }

    private static List<DataValue> values(JsonNode array) {
        List<DataValue> out = new ArrayList<>();
        for (JsonNode o : array) {
            JsonNode name = field(o, "name");
            JsonNode string = field(o, "stringValue");
            out.add(new DataValue(field(o, "id").asLong(), name.isTextual() ? name.textValue() : null,
                    field(o, "intValue").asInt(), string.isTextual() ? string.textValue() : null));
        }
        return out;
    }

    /** A field by name without regard to case: the service answers camelCase, a license server PascalCase. */
    private static JsonNode field(JsonNode node, String name) {
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().equalsIgnoreCase(name)) {
                return f.getValue();
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Override
    public String toString() {
        return "WebApi{" + base + ", token=<redacted>}";
    }
}
