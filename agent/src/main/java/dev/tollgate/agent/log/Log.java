package dev.tollgate.agent.log;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The agent's own logger: one line per message on stderr with a {@code [tollgate]} prefix.
 *
 * <p>It never touches the host's logging (JUL, Log4j, SLF4J), and every line passes through
 * {@link #redact}, so a registered secret (a token) cannot reach the output even by mistake.
 *
 * <pre>{@code
 * Log.secret(token);                                   // from now on printed as <redacted>
 * Log.warn("features.export.cost: must be at least 1");
 * Log.warnOnce("missing:export", "no data object 'export' on the key");
 * }</pre>
 */
public final class Log {

    /**
     * How much is printed: {@code -Dtollgate.log.level}, else {@code TOLLGATE_LOG_LEVEL}, else the config's
     * {@code log.level}.
     */
    public enum Level { DEBUG, INFO, WARN, ERROR, OFF }

    private static final String PREFIX = "[tollgate] ";
    private static final String REDACTED = "<redacted>";

    private static volatile Level threshold = parse(System.getProperty("tollgate.log.level"), Level.INFO);
    private static volatile PrintStream out = System.err;
    private static final Set<String> secrets = ConcurrentHashMap.newKeySet();
    private static final Set<String> once = ConcurrentHashMap.newKeySet();
    private static final CopyOnWriteArrayList<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    private Log() {
    }

    public static void debug(String message) {
        write(Level.DEBUG, message);
    }

    public static void info(String message) {
        write(Level.INFO, message);
    }

    public static void warn(String message) {
        write(Level.WARN, message);
    }

    public static void error(String message) {
        write(Level.ERROR, message);
    }

    /** Warns the first time {@code key} is seen, so a problem on a hot path prints one line, not millions. */
    public static void warnOnce(String key, String message) {
        if (once.add(key)) {
            write(Level.WARN, message);
        }
    }

    /** Reports an error the first time {@code key} is seen. */
    public static void errorOnce(String key, String message) {
        if (once.add(key)) {
            write(Level.ERROR, message);
        }
    }

    /** Forgets which {@code warnOnce}/{@code errorOnce} keys were reported, so they print again; for tests. */
    public static void forgetReported() {
        once.clear();
    }

    public static boolean isDebug() {
        return threshold == Level.DEBUG;
    }

    /** Registers a secret: any line containing it is printed with the secret replaced. */
    public static void secret(String value) {
        if (value != null && value.length() >= 4) {
            secrets.add(value);
        }
    }

    /** Replaces every registered secret in {@code text}; for messages that leave the agent another way. */
    public static String redact(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String result = text;
        for (String s : secrets) {
            if (result.contains(s)) {
                result = result.replace(s, REDACTED);
            }
        }
        return result;
    }

    /** Sets the threshold from a config value; unknown names leave it as it is. */
    public static void level(String name) {
        threshold = parse(name, threshold);
    }

    /** Whether {@code name} is a level this logger knows, for config validation. */
    public static boolean isLevel(String name) {
        return parse(name, null) != null;
    }

    /** Also hands every printed line (already redacted) to {@code listener}; for tests and the CLI. */
    public static void listen(Consumer<String> listener) {
        listeners.add(listener);
    }

    public static void unlisten(Consumer<String> listener) {
        listeners.remove(listener);
    }

    /** Prints to {@code stream} instead of stderr; for the CLI. */
    public static void printTo(PrintStream stream) {
        out = stream;
    }

    private static void write(Level level, String message) {
        if (level.ordinal() < threshold.ordinal()) {
            return;
        }
        String line = PREFIX + (level == Level.WARN ? "warning: " : level == Level.ERROR ? "error: " : "")
                + redact(message);
        try {
            out.println(line);
        } catch (RuntimeException ignored) {
            // A closed stderr must not break the host.
        }
        for (Consumer<String> l : listeners) {
            try {
                l.accept(line);
            } catch (RuntimeException ignored) {
                // A listener's failure is its own business.
            }
        }
    }

    private static Level parse(String name, Level fallback) {
        if (name == null) {
            return fallback;
        }
        for (Level l : Level.values()) {
            if (l.name().equalsIgnoreCase(name.trim())) {
                return l;
            }
        }
        return fallback;
    }
}
