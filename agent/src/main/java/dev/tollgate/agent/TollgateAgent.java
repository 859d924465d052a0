package dev.tollgate.agent;

import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.tollgate.agent.boot.BootstrapJar;
import dev.tollgate.agent.boot.Running;
import dev.tollgate.agent.boot.Startup;
import dev.tollgate.agent.boot.Warmup;
import dev.tollgate.agent.cli.Cli;

/**
 * The agent's entry points: {@code -javaagent:tollgate-agent.jar[=config.yml]} ({@link #premain}),
 * attaching to a running JVM ({@link #agentmain}) and {@code java -jar tollgate-agent.jar}
 * ({@link #main}). They guard and delegate: nothing thrown here may reach the host.
 */
public final class TollgateAgent {

    private static final AtomicBoolean started = new AtomicBoolean();
    private static final AtomicBoolean bootstrapped = new AtomicBoolean();

    private TollgateAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        start(args, instrumentation, Startup.Way.JAVAAGENT);
    }

    public static void agentmain(String args, Instrumentation instrumentation) {
        start(args, instrumentation, Startup.Way.ATTACH);
    }

    public static void main(String[] args) {
        System.exit(Cli.run(args, System.out, System.err));
    }

    /**
     * Byte Buddy's switch that keeps it from using {@code sun.misc.Unsafe} (which JDK 24+ warns about);
     * the agent needs no class injection. The shaded build relocates this name to the agent's private
     * copy of Byte Buddy, so the host's own Byte Buddy is not affected.
     */
    private static final String BYTE_BUDDY_SAFE = "net.bytebuddy.safe";

    static void start(String args, Instrumentation instrumentation, Startup.Way way) {
        boolean attached = way == Startup.Way.ATTACH;
        if (System.getProperty(BYTE_BUDDY_SAFE) == null) {
            System.setProperty(BYTE_BUDDY_SAFE, "true");
        }
        if (!started.compareAndSet(false, true) || Running.isRunning()) {
            // Running.isRunning(): classes woven at build time started the runtime without the agent.
            Running.alreadyRunning(args, attached);
            return;
        }
        try {
            // First of all, before anything loads the bridge or UsageDeniedException in this loader.
            if (bootstrapped.compareAndSet(false, true)) {
                BootstrapJar.append(instrumentation);
            }
        } catch (Throwable t) {
            System.err.println("[tollgate] warning: cannot put the bridge on the bootstrap class path (" + t
                    + "); classes outside the system class loader may fail to reach the agent");
        }
        Warmup.start(); // after the bootstrap jar: it must not load the bridge classes first
        try {
            if (!Startup.start(args, instrumentation, way)) {
                started.set(false); // an attach refused for its config changed nothing; a corrected one may follow
            }
        } catch (Throwable t) {
            System.err.println("[tollgate] error: the agent failed to start and meters nothing: " + t);
            Running.failed(t);
        }
    }
}
