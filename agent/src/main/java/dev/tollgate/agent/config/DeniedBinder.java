package dev.tollgate.agent.config;

import java.util.Map;

/**
 * Binds {@code denied:}: the exception thrown on a denial when the feature names none of its own.
 *
 * <pre>{@code
 * denied:
 *   exception: com.acme.OutOfCreditsException
 * }</pre>
 */
final class DeniedBinder {

    private final Values values;
    private String exception;
    private int line;

    DeniedBinder(Values values) {
        this.values = values;
    }

    void bind(YamlNode node) {
        Map<String, YamlNode> denied = values.mapping(node, "denied");
        if (denied == null) {
            return;
        }
        values.allowOnly(denied, "denied", "exception");
        if (denied.containsKey("exception")) {
            exception = values.className(denied.get("exception"), "denied.exception");
            line = values.line(denied.get("exception"));
        }
    }

    /** {@code denied.exception}, or null. */
    String exception() {
        return exception;
    }

    /** The line of {@code denied.exception}, or 0. */
    int line() {
        return line;
    }
}
