package dev.tollgate.agent.config;

import java.util.Locale;

import dev.tollgate.agent.log.Log;

/**
 * Settings that a system property and an environment variable can give as well as the config file, chosen in
 * the order of other JVM agents (OpenTelemetry, Elastic): system property, then environment variable, then
 * file. A value that is not one of the setting's choices is reported and the next place is used.
 *
 * <pre>{@code
 * Overrides.Choice level = Overrides.logLevel(System.getProperty(Overrides.LOG_LEVEL_PROPERTY),
 *         System.getenv(Overrides.LOG_LEVEL_ENV), config.logLevel());
 * // -Dtollgate.log.level=debug wins over TOLLGATE_LOG_LEVEL=warn and over log.level: error in the file
 * }</pre>
 *
 * <p>The config file itself is chosen the same way, after the {@code -javaagent} argument: see
 * {@link ConfigLoader}.
 */
public final class Overrides {

    /** The system property for the log level. */
    public static final String LOG_LEVEL_PROPERTY = "tollgate.log.level";
    /** The environment variable for the log level. */
    public static final String LOG_LEVEL_ENV = "TOLLGATE_LOG_LEVEL";

    private Overrides() {
    }

    /** A chosen value, where it came from, and what was wrong with the places before it. */
    public static final class Choice {
        private final String value;
        private final String from;
        private final String problem;

        Choice(String value, String from, String problem) {
            this.value = value;
            this.from = from;
            this.problem = problem;
        }

        /** The value, or {@code null} when no place gives one. */
        public String value() {
            return value;
        }

        /** {@code -Dtollgate.log.level}, {@code TOLLGATE_LOG_LEVEL}, {@code log.level}, or {@code null}. */
        public String from() {
            return from;
        }

        /** One line saying which value was ignored and why, or {@code null}. */
        public String problem() {
            return problem;
        }
    }

    /** Whether {@code value} is a log level, so that the places after it need not be read (the logger decides). */
    public static boolean isLevel(String value) {
        return Log.isLevel(value);
    }

    /**
     * The log level: {@code -Dtollgate.log.level}, else {@code TOLLGATE_LOG_LEVEL}, else the file's
     * {@code log.level} (already checked by the loader).
     */
    public static Choice logLevel(String property, String environment, String file) {
        String problem = null;
        String[][] places = {{property, "-D" + LOG_LEVEL_PROPERTY}, {environment, LOG_LEVEL_ENV}};
        for (String[] place : places) {
            String v = place[0] == null ? "" : place[0].trim().toLowerCase(Locale.ROOT);
            if (v.isEmpty()) {
                continue;
            }
            if (isLevel(v)) {
                return new Choice(v, place[1], problem);
            }
            String line = place[1] + ": must be one of " + levels() + ", got '" + place[0].trim()
                    + "'; ignored";
            problem = problem == null ? line : problem + "; " + line;
        }
        return new Choice(file, file == null ? null : "log.level", problem);
    }

    /** The logger's levels as the config writes them: {@code debug, info, warn, error, off}. */
    private static String levels() {
        StringBuilder names = new StringBuilder();
        for (Log.Level l : Log.Level.values()) {
            names.append(names.length() == 0 ? "" : ", ").append(l.name().toLowerCase(Locale.ROOT));
        }
        return names.toString();
    }
}
