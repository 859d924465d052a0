package dev.tollgate.agent.boot;

import dev.tollgate.agent.instrument.WeavingWarmup;

/**
 * Runs the direct weaving path once ({@link WeavingWarmup}), and loads the classes of the first metered
 * call, in a background thread started with the agent. The first metered class of a product otherwise
 * pays, on the thread that loads it, for loading, verifying and initialising some forty ASM and weaver
 * classes from the agent jar (about 13 ms of the sample app's startup); here that happens while premain reads the config
 * and the JVM starts the application, on another core when there is one.
 *
 * <p>It only warms: no site is registered, nothing is logged, nothing is kept, and any failure is ignored
 * (the real weaving then pays as before). A class that a metered class needs while this thread is loading
 * it is simply waited for.
 */
public final class Warmup implements Runnable {

    static final String THREAD_NAME = "tollgate-warmup";

    Warmup() {
    }

    /** Starts the warm-up; returns at once. */
    public static void start() {
        try {
            Thread t = new Thread(new Warmup(), THREAD_NAME);
            t.setDaemon(true);
            t.start();
        } catch (Throwable ignored) {
            // No thread (a security manager, out of threads): the first metered class warms up itself.
        }
    }

    /**
     * Classes the first metered call needs on the local ledger with a journal: loaded (not initialised) here
     * so that the call does not read them from the agent jar and the runtime image on the product's thread.
     * Names, as most of them are package-private or nested; {@code WarmupTest} loads every one, so that a
     * renamed class fails the build instead of silently no longer being warmed.
     */
    static final String[] FIRST_CALL = {
        "dev.tollgate.agent.meter.JournaledCharge", "dev.tollgate.agent.meter.StrictCharge",
        "dev.tollgate.agent.meter.SiteMeter", "dev.tollgate.agent.meter.Verdict",
        "dev.tollgate.agent.meter.LocalAccount", "dev.tollgate.agent.backend.Counter",
        "dev.tollgate.agent.meter.CallsByThread", "dev.tollgate.agent.meter.Metering$Calls",
        "dev.tollgate.agent.meter.Metering$CallsOnThread",
        "dev.tollgate.agent.meter.PaddedLong",
        "dev.tollgate.agent.meter.Syncer", "dev.tollgate.agent.journal.Journal",
        "dev.tollgate.agent.journal.Journal$Slot", "dev.tollgate.agent.journal.JournalState",
        "dev.tollgate.agent.ledger.CounterFile", "dev.tollgate.agent.ledger.Current",
        "dev.tollgate.agent.ledger.Witness", "dev.tollgate.agent.ledger.Witness$Entry",
        "dev.tollgate.agent.ledger.Tampering",
        "dev.tollgate.agent.ledger.CounterFile$Grant", "dev.tollgate.agent.ledger.Step",
        "dev.tollgate.agent.ledger.CounterKind",
        "dev.tollgate.agent.backend.Outcome", "java.nio.channels.FileLock", "java.nio.MappedByteBuffer",
        "java.nio.file.DirectoryStream", "java.util.zip.CRC32",
    };

    @Override
    public void run() {
        WeavingWarmup.run();
        ClassLoader loader = Warmup.class.getClassLoader();
        for (String name : FIRST_CALL) {
            try {
                Class.forName(name, false, loader);
            } catch (Throwable ignored) {
                // Only a warm-up.
            }
        }
    }
}
