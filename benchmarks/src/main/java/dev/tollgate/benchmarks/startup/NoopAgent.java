package dev.tollgate.benchmarks.startup;

import java.lang.instrument.Instrumentation;

/**
 * The floor of the startup benchmark: an agent whose {@code premain} does nothing, in a jar of its own
 * ({@code benchmarks/target/noop-agent.jar}). What it costs is what the JVM charges for any
 * {@code -javaagent} (the {@code java.instrument} module, a module graph that cannot come from the CDS
 * archive, opening the jar), before an agent does anything.
 */
public final class NoopAgent {

    private NoopAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        // nothing
    }
}
