package dev.tollgate.vendor.api;

/**
 * A Web API call that did not succeed: refused by the service ({@code "result":1}) or not answered
 * properly (transport failure, HTTP 429/5xx, a body that is not a Web API reply). The message is one
 * line for a person and never holds the token.
 *
 * <pre>{@code
 * try {
 *     api.dataObjects(3941, key);
 * } catch (ApiFailure f) {
 *     if (f.kind() == ApiFailure.Kind.NOT_FOUND) { ... }   // f.serviceMessage(): "Not enough permission and/or key not found."
 * }
 * }</pre>
 */
public final class ApiFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure, by which the tool decides what to do. */
    public enum Kind {
        /** {@code Unable to authenticate.}: a wrong, revoked or expired token. */
        AUTHENTICATION,
        /** {@code Access denied.}: the token lacks the method's permission (or its product lock excludes the product). */
        ACCESS_DENIED,
        /** {@code Not enough permission and/or key not found.}: no such key or object, or the key lock excludes it. */
        NOT_FOUND,
        /** {@code Could not find the product.} */
        PRODUCT_NOT_FOUND,
        /** Any other refusal, e.g. a duplicate name or a bound. */
        REFUSED,
        /** Worth trying again: no answer, HTTP 429 or 5xx, or an answer that is not a Web API reply. */
        TRANSIENT
    }

    private final Kind kind;
    private final String method;
    private final String serviceMessage;

    ApiFailure(Kind kind, String method, String serviceMessage, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.method = method;
        this.serviceMessage = serviceMessage;
    }

    public Kind kind() {
        return kind;
    }

    /** The Web API method, e.g. {@code data/DecrementIntValueToKey}. */
    public String method() {
        return method;
    }

    /** The service's {@code message}, or {@code null} when it sent none. */
    public String serviceMessage() {
        return serviceMessage;
    }

    public boolean isTransient() {
        return kind == Kind.TRANSIENT;
    }
}
