package dev.tollgate.agent.instrument;

import java.util.HashMap;
import java.util.Map;

import dev.tollgate.agent.rules.MeteredMethod;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The direct weaving path ({@link ClassPeek}, {@link DirectWeaver}) run once on a sample class of its own,
 * so that the classes it needs are loaded, verified and initialised before the first metered class of the
 * product needs them. Only warms: no site is registered, nothing is logged or kept, and any failure is
 * ignored (the real weaving then pays as before).
 *
 * <pre>{@code
 * WeavingWarmup.run();   // on a background thread, see boot.Warmup
 * }</pre>
 */
public final class WeavingWarmup {

    private static final String SAMPLE = "dev/tollgate/agent/instrument/WeavingWarmup$Sample";

    private WeavingWarmup() {
    }

    /** Weaves the sample as the transformer would; never throws. */
    public static void run() {
        try {
            weave(sample());
        } catch (Throwable ignored) {
            // Only a warm-up.
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
        for (MeteredMethod m : choice.metered) {
            siteIds.put(m.name() + m.descriptor(), Integer.valueOf(0));
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
