package dev.tollgate.testkit;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One request the emulator received, and what it did about it. The token is kept apart from the
 * other parameters and never appears in {@link #toString()}.
 *
 * <pre>{@code
 * RecordedCall charge = emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY).get(0);
 * assertThat(charge.method()).isEqualTo("POST");
 * assertThat(charge.param("Name")).contains("export");
 * assertThat(charge.param("EnableBound")).contains("true");
 * assertThat(charge.token()).contains("client-token");
 * assertThat(charge.result()).hasValue(0);
 * }</pre>
 */
public final class RecordedCall {
    private final String method;
    private final String path;
    private final Endpoint endpoint;
    private final Map<String, String> params;
    private final String token;
    private final String contentType;
    private final int status;
    private final String reply;
    private final Integer result;
    private final String message;
    private final Fault fault;

    RecordedCall(String method, String path, Endpoint endpoint, Map<String, String> params, String token,
                 String contentType, int status, String reply, Integer result, String message, Fault fault) {
        this.method = method;
        this.path = path;
        this.endpoint = endpoint;
        this.params = params;
        this.token = token;
        this.contentType = contentType;
        this.status = status;
        this.reply = reply;
        this.result = result;
        this.message = message;
        this.fault = fault;
    }

    /** The HTTP method, e.g. {@code POST}. */
    public String method() {
        return method;
    }

    /** The request path as sent, without the query string. */
    public String path() {
        return path;
    }

    /** The method the path names; empty for a path the emulator does not serve. */
    public Optional<Endpoint> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /**
     * The parameters (form body and query string merged, names as sent, the first occurrence of a name
     * winning) without {@code token}.
     */
    public Map<String, String> params() {
        return params;
    }

    /** A parameter by name, ignoring case; empty when absent. Never the token: see {@link #token()}. */
    public Optional<String> param(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).equals(lower)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** The {@code token} parameter, for assertions. Do not print it. */
    public Optional<String> token() {
        return Optional.ofNullable(token);
    }

    /** The request's {@code Content-Type} header; empty when it had none. */
    public Optional<String> contentType() {
        return Optional.ofNullable(contentType);
    }

    /** The HTTP status answered, or 0 when no reply was sent (disconnect, lost reply, no reply). */
    public int status() {
        return status;
    }

    /** The reply body as sent; empty when no reply was sent. */
    public Optional<String> reply() {
        return Optional.ofNullable(reply);
    }

    /** The {@code result} of the emulator's JSON reply (0 success, 1 error); empty when none was sent. */
    public OptionalInt result() {
        return result == null ? OptionalInt.empty() : OptionalInt.of(result);
    }

    /** The {@code message} of the emulator's JSON reply; empty on success or when none was sent. */
    public Optional<String> message() {
        return Optional.ofNullable(message);
    }

    /** The fault injected into this request, if any. */
    public Optional<Fault> fault() {
        return Optional.ofNullable(fault);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder().append(method).append(' ').append(path).append(' ').append(params);
        if (token != null) {
            out.append(" token=<redacted>");
        }
        out.append(" -> ");
        if (status == 0) {
            out.append("no reply");
        } else {
            out.append(status);
            if (result != null) {
                out.append(" result=").append(result);
            }
            if (message != null) {
                out.append(" message=\"").append(message).append('"');
            }
        }
        if (fault != null) {
            out.append(" (").append(fault).append(')');
        }
        return out.toString();
    }
}
