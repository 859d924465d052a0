package dev.tollgate.agent.boot;

import java.util.List;

import dev.tollgate.agent.log.Log;

/**
 * What the agent in this JVM is doing, so that a second start can say why it changes nothing, and the
 * {@code attach} command, which cannot see the target's stderr, can tell its user what happened.
 *
 * <p>The outcome of every start attempt is published in the target as the system property
 * {@value #STATUS}: one line that begins with {@value #STARTED}, {@value #REFUSED} or {@value #FAILED},
 * sometimes followed by more lines (the problems of a refused config). The attach command reads it with
 * the attach API right after the agent was loaded; {@code loadAgent} returns only once {@code agentmain}
 * has.
 *
 * <p>A second start, by {@code attach} or by a second {@code -javaagent} of this jar, is refused and
 * changes nothing: the metering runtime, its transformer and the counters it holds belong to the first
 * start's config, and swapping them under running calls would charge some calls twice or not at all.
 * Restarting the JVM is the way to change the config.
 */
public final class Running {

    /** The system property that holds the last start attempt's outcome. */
    public static final String STATUS = "tollgate.agent.status";
    public static final String STARTED = "started: ";
    public static final String REFUSED = "refused: ";
    public static final String FAILED = "failed: ";

    private static volatile String how;
    private static volatile String config;
    private static volatile boolean failed;
    /** The runtime of the start that succeeded, for classes woven at build time ({@code SelfStart}). */
    private static volatile Wiring wiring;

    private Running() {
    }

    static String how(boolean attached) {
        return attached ? "attach" : "-javaagent";
    }

    /** The agent runs with {@code configSource}; {@code summary} says what it meters. */
    static void started(boolean attached, String configSource, String summary) {
        started(how(attached), configSource, summary, null);
    }

    /** The runtime runs, started by {@code how} ("-javaagent", "attach", "woven classes"), as {@code running}. */
    static void started(String how, String configSource, String summary, Wiring running) {
        Running.how = how;
        config = configSource;
        wiring = running;
        publish(STARTED + summary);
    }

    /** The runtime that runs in this JVM (started by the agent or by woven classes), or {@code null}. */
    static Wiring wiring() {
        return wiring;
    }

    /** Whether a runtime already runs in this JVM, started by any way; a second one must not start. */
    public static boolean isRunning() {
        return how != null;
    }

    /** An attach whose config has problems changed nothing; a corrected attach may follow. */
    static void refusedConfig(String configSource, List<?> problems) {
        StringBuilder status = new StringBuilder(REFUSED).append("the config ").append(configSource).append(" has ")
                .append(problems.size()).append(" problem(s); nothing was changed: fix them and attach again");
        for (Object p : problems) {
            status.append('\n').append(p);
        }
        publish(status.toString());
    }

    /** The first start threw; the agent meters nothing in this JVM. */
    public static void failed(Throwable t) {
        failed = true;
        publish(FAILED + "the agent failed to start and meters nothing: " + t);
    }

    /** A start while the agent already runs (or is starting): prints one line and changes nothing. */
    public static void alreadyRunning(String args, boolean attached) {
        String running;
        if (how != null) {
            running = "the agent already runs in this JVM (started by " + how + " with config " + config + ")";
        } else if (failed) {
            running = "the agent already failed to start in this JVM (see the lines above)";
        } else {
            running = "the agent is already starting in this JVM";
        }
        String line = running + "; this " + how(attached)
                + (args == null || args.trim().isEmpty() ? "" : " with config " + args.trim())
                + " changed nothing: restart the JVM to change the config";
        Log.warn(line);
        publish(REFUSED + line);
    }

    /** Forgets everything; for tests. */
    static void reset() {
        how = null;
        config = null;
        wiring = null;
        failed = false;
        System.clearProperty(STATUS);
    }

    private static void publish(String status) {
        try {
            System.setProperty(STATUS, Log.redact(status));
        } catch (Throwable t) {
            // A security manager may forbid it; the attach command then points to the target's stderr.
        }
    }
}
