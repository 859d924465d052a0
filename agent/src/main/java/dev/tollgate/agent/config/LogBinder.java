package dev.tollgate.agent.config;

import java.util.Map;

/**
 * Binds {@code log:}: how much the agent says on standard error.
 *
 * <pre>{@code
 * log:
 *   level: warn
 * }</pre>
 */
final class LogBinder {

    private final Values values;

    LogBinder(Values values) {
        this.values = values;
    }

    /** {@code log.level}, or null. */
    String bind(YamlNode node) {
        Map<String, YamlNode> log = values.mapping(node, "log");
        if (log == null) {
            return null;
        }
        values.allowOnly(log, "log", "level");
        return log.containsKey("level")
                ? values.choice(log.get("level"), "log.level", "debug", "info", "warn", "error", "off") : null;
    }
}
