package dev.tollgate.agent;

import java.lang.instrument.Instrumentation;

import dev.tollgate.agent.boot.Startup;

/**
 * The agent started by an executable product jar itself (JDK 9 and later): its manifest names this class as
 * {@code Launcher-Agent-Class}, and {@code java -jar product.jar} runs {@link #agentmain} before the product's
 * {@code main}, with no {@code -javaagent}. The agent's classes are inside the product jar or in a jar its
 * {@code Class-Path} names.
 *
 * <pre>
 * Main-Class: com.acme.reports.ReportTool
 * Launcher-Agent-Class: dev.tollgate.agent.LauncherAgent
 * Can-Retransform-Classes: true
 * Class-Path: lib/tollgate-agent.jar
 * </pre>
 *
 * It starts as {@code -javaagent} does (a config with problems denies every metered call), reading the config
 * from {@code -Dtollgate.config}, {@code TOLLGATE_CONFIG} or {@code ./tollgate.yml}, and then retransforms the
 * classes the launcher loaded before it (the main class).
 */
public final class LauncherAgent {

    private LauncherAgent() {
    }

    public static void agentmain(String args, Instrumentation instrumentation) {
        TollgateAgent.start(args == null || args.isEmpty() ? null : args, instrumentation, Startup.Way.LAUNCHER);
    }
}
