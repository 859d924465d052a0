package dev.tollgate.agent.instrument;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tollgate.agent.rules.MeteredMethod;
import dev.tollgate.agent.site.WovenTable;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * The members the build-time weaver adds to a class, through which its metered methods reach the runtime with
 * no agent: the marker the agent skips, the class's site ids (registered at its first metered call), and two
 * helpers. In Java, for a class {@code Reports} with one metered method:
 *
 * <pre>{@code
 * private static final String tollgate$woven = "tollgate-weave/1";    // the stamp; the agent skips the class
 * private static volatile int[] tollgate$sites;                       // site id by index, once registered
 *
 * private static Object tollgate$enter(String feature, int index) {
 *     try {
 *         int[] s = tollgate$sites;
 *         if (s == null) {
 *             tollgate$sites = s = SelfStart.sites(Reports.class, tollgate$woven, "export\t0\tcom.acme.Reports...");
 *         }
 *         return Bridge.enter(s[index], Reports.class);
 *     } catch (Throwable missing) {        // no tollgate-agent on the class path: NoClassDefFoundError
 *         return new UsageDeniedException(feature, MISCONFIGURED, 0, UNKNOWN, "the Tollgate runtime ...: " + missing);
 *     }
 * }
 *
 * private static void tollgate$exit(int index, Object token, Throwable thrown) {
 *     try { Bridge.exit(tollgate$sites[index], token, thrown); } catch (Throwable ignored) { }
 * }
 * }</pre>
 *
 * The metered methods carry the same advice as under the agent ({@link DirectWeaver}), calling these helpers
 * instead of the bridge. All of it is Java 7 bytecode with its stack map frames, so a woven class keeps its
 * class file version. The helpers are private: only interfaces (whose members cannot be) are refused.
 */
final class WovenMembers {

    static final String ENTER = "tollgate$enter";
    static final String ENTER_DESCRIPTOR = "(Ljava/lang/String;I)Ljava/lang/Object;";
    static final String EXIT = "tollgate$exit";
    static final String SITES = "tollgate$sites";

    private static final String SELF_START = "dev/tollgate/agent/boot/SelfStart";
    private static final String SELF_START_SITES = "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/String;)[I";
    private static final String DENIAL = "dev/tollgate/UsageDeniedException";
    private static final String REASON = "dev/tollgate/UsageDeniedException$Reason";
    private static final String THROWABLE = "java/lang/Throwable";
    private static final String STRING = "java/lang/String";
    private static final String INTS = "[I";
    /** The detail of the denial when the runtime cannot be reached; the error follows. */
    static final String MISSING = "the Tollgate runtime is not on the class path (add dev.tollgate:tollgate-agent): ";

    private final String owner;
    private final String stamp;
    private final WovenTable table = new WovenTable();
    private final Map<String, Integer> indexes = new HashMap<String, Integer>();
    private final Map<Integer, String> features = new HashMap<Integer, String>();

    WovenMembers(String owner, String stamp, List<MeteredMethod> metered) {
        this.owner = owner;
        this.stamp = stamp;
        for (MeteredMethod m : metered) {
            Integer index = Integer.valueOf(table.size());
            table.add(m.feature(), m.cost(), m.className(), m.method(), m.origin());
            indexes.put(m.name() + m.descriptor(), index);
            features.put(index, m.feature());
        }
    }

    /** Each metered method's index (name + descriptor): what its advice passes to the helpers. */
    Map<String, Integer> indexes() {
        return indexes;
    }

    String feature(int index) {
        return features.get(Integer.valueOf(index));
    }

    void addTo(ClassVisitor cv) {
        int hidden = Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC;
        cv.visitField(hidden | Opcodes.ACC_FINAL, ClassPeek.WOVEN_MARKER, "Ljava/lang/String;", null, stamp).visitEnd();
        cv.visitField(hidden | Opcodes.ACC_VOLATILE, SITES, INTS, null, null).visitEnd();
        enter(cv.visitMethod(hidden, ENTER, ENTER_DESCRIPTOR, null, null));
        exit(cv.visitMethod(hidden, EXIT, DirectWeaver.EXIT, null, null));
    }

    private void enter(MethodVisitor mv) {
        Label start = new Label();
        Label have = new Label();
        Label end = new Label();
        Label handler = new Label();
        Object[] params = {STRING, Opcodes.INTEGER};
        mv.visitCode();
        mv.visitTryCatchBlock(start, end, handler, THROWABLE);
        mv.visitLabel(start);
        mv.visitFieldInsn(Opcodes.GETSTATIC, owner, SITES, INTS);
        mv.visitInsn(Opcodes.DUP);
        mv.visitJumpInsn(Opcodes.IFNONNULL, have);
        mv.visitInsn(Opcodes.POP);
        mv.visitLdcInsn(Type.getObjectType(owner));
        mv.visitLdcInsn(stamp);
        mv.visitLdcInsn(table.toString());
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, SELF_START, "sites", SELF_START_SITES, false);
        mv.visitInsn(Opcodes.DUP);
        mv.visitFieldInsn(Opcodes.PUTSTATIC, owner, SITES, INTS);
        mv.visitLabel(have);
        mv.visitFrame(Opcodes.F_NEW, 2, params, 1, new Object[] {INTS});
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitInsn(Opcodes.IALOAD);
        mv.visitLdcInsn(Type.getObjectType(owner));
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, DirectWeaver.BRIDGE, "enter", DirectWeaver.ENTER, false);
        mv.visitLabel(end);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitLabel(handler);
        mv.visitFrame(Opcodes.F_NEW, 2, params, 1, new Object[] {THROWABLE});
        mv.visitVarInsn(Opcodes.ASTORE, 2);
        mv.visitTypeInsn(Opcodes.NEW, DENIAL);
        mv.visitInsn(Opcodes.DUP);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETSTATIC, REASON, "MISCONFIGURED", "L" + REASON + ";");
        mv.visitInsn(Opcodes.LCONST_0);
        mv.visitLdcInsn(Long.valueOf(-1L)); // UsageDeniedException.UNKNOWN
        mv.visitLdcInsn(MISSING);
        mv.visitVarInsn(Opcodes.ALOAD, 2);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Object", "toString", "()Ljava/lang/String;", false);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, STRING, "concat", "(Ljava/lang/String;)Ljava/lang/String;", false);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, DENIAL, "<init>",
                "(Ljava/lang/String;L" + REASON + ";JJLjava/lang/String;)V", false);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(10, 3);
        mv.visitEnd();
    }

    private void exit(MethodVisitor mv) {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        mv.visitCode();
        mv.visitTryCatchBlock(start, end, handler, THROWABLE);
        mv.visitLabel(start);
        mv.visitFieldInsn(Opcodes.GETSTATIC, owner, SITES, INTS);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitInsn(Opcodes.IALOAD);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitVarInsn(Opcodes.ALOAD, 2);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, DirectWeaver.BRIDGE, "exit", DirectWeaver.EXIT, false);
        mv.visitLabel(end);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitLabel(handler);
        mv.visitFrame(Opcodes.F_NEW, 3, new Object[] {Opcodes.INTEGER, "java/lang/Object", THROWABLE}, 1,
                new Object[] {THROWABLE});
        mv.visitInsn(Opcodes.POP);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(3, 3);
        mv.visitEnd();
    }
}
