package dev.tollgate.agent.instrument;

import java.util.HashMap;
import java.util.Map;

import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Runs the direct weaving path ({@link ClassPeek}, {@link DirectWeaver}) once, on a class of its own, in a
 * background thread started with the agent. The first metered class of a product otherwise pays, on the
 * thread that loads it, for loading, verifying and initialising some forty ASM and weaver classes from the
 * agent jar (about 13 ms of the sample app's startup); here that happens while premain reads the config
 * and the JVM starts the application, on another core when there is one.
 *
 * <p>It only warms: no site is registered, nothing is logged, nothing is kept, and any failure is ignored
 * (the real weaving then pays as before). A class that a metered class needs while this thread is loading
 * it is simply waited for.
 */
public final class Warmup implements Runnable {

    static final String THREAD_NAME = "tollgate-warmup";
    private static final String SAMPLE = "dev/tollgate/agent/instrument/Warmup$Sample";

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
     */
    static final String[] FIRST_CALL = {
        "dev.tollgate.agent.meter.Allowance", "dev.tollgate.agent.meter.LocalAccount",
        "dev.tollgate.agent.meter.CallsByThread", "dev.tollgate.agent.meter.Metering$Calls",
        "dev.tollgate.agent.meter.Metering$CallsOnThread",
        "dev.tollgate.agent.meter.PaddedLong",
        "dev.tollgate.agent.meter.Syncer", "dev.tollgate.agent.journal.Journal",
        "dev.tollgate.agent.journal.Journal$Slot", "dev.tollgate.agent.journal.Journal$State",
        "dev.tollgate.agent.ledger.CounterFile", "dev.tollgate.agent.ledger.CounterFile$Current",
        "dev.tollgate.agent.ledger.CounterFile$Grant", "dev.tollgate.agent.ledger.CounterFile$Step",
        "dev.tollgate.agent.backend.Outcome", "java.nio.channels.FileLock", "java.nio.MappedByteBuffer",
        "java.nio.file.DirectoryStream", "java.util.zip.CRC32",
    };

    @Override
    public void run() {
        try {
            weave(sample());
        } catch (Throwable ignored) {
            // Only a warm-up.
        }
        ClassLoader loader = Warmup.class.getClassLoader();
        for (String name : FIRST_CALL) {
            try {
                Class.forName(name, false, loader);
            } catch (Throwable ignored) {
                // Only a warm-up.
            }
        }
    }

    /** What the transformer does to a metered class, minus registering sites. */
    static byte[] weave(byte[] bytes) {
        ClassPeek.look(bytes);
        DirectWeaver.Choice choice = DirectWeaver.choose(bytes);
        if (choice == null || choice.metered.isEmpty()) {
            return null;
        }
        Map<String, Integer> siteIds = new HashMap<String, Integer>();
        for (DirectWeaver.Found f : choice.metered) {
            siteIds.put(f.method.name + f.method.descriptor, Integer.valueOf(0));
        }
        return DirectWeaver.write(choice, siteIds);
    }

    /** {@code class Sample { @Metered("warmup") static int run(int x) { return x; } }}, as Java 8 bytecode. */
    static byte[] sample() {
        ClassWriter w = new ClassWriter(0);
        w.visit(Opcodes.V1_8, Opcodes.ACC_SUPER | Opcodes.ACC_FINAL, SAMPLE, null, "java/lang/Object", null);
        MethodVisitor m = w.visitMethod(Opcodes.ACC_STATIC, "run", "(I)I", null, null);
        AnnotationVisitor a = m.visitAnnotation("Ldev/tollgate/Metered;", true);
        a.visit("value", "warmup");
        a.visitEnd();
        m.visitCode();
        m.visitVarInsn(Opcodes.ILOAD, 0);
        m.visitInsn(Opcodes.IRETURN);
        m.visitMaxs(1, 1);
        m.visitEnd();
        w.visitEnd();
        return w.toByteArray();
    }
}
