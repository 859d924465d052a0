package dev.tollgate.agent.instrument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tollgate.agent.config.Rule;
import dev.tollgate.agent.log.Log;
import dev.tollgate.agent.rules.Decision;
import dev.tollgate.agent.rules.MeteredMethod;
import dev.tollgate.agent.rules.MeteringRules;
import dev.tollgate.agent.site.Site;
import dev.tollgate.agent.site.Sites;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * The same advice as {@link MeteredAdvice}, woven with plain ASM for the common case: a class whose
 * metered methods are all its own, because no supertype of it mentions {@code @Metered}. Byte Buddy's
 * agent builder costs a product about a third of a second of startup (some 1,100 classes, loaded and
 * run cold) before the first metered class is defined; this costs a few dozen ASM classes. Everything
 * else (inherited annotations, old or unreadable class files) still goes to Byte Buddy.
 *
 * <p>The methods are chosen by {@link MeteringRules}, as on the Byte Buddy path, from the class file read by
 * {@link ClassFileShape}; this class only writes bytecode. Each metered method becomes, in bytecode:
 *
 * <pre>{@code
 * Object token = Bridge.enter(SITE, Host.class);
 * if (token instanceof Throwable) throw (Throwable) token;
 * try {
 *     ...body; before each return: Bridge.exit(SITE, token, null)
 * } catch (Throwable t) {
 *     Bridge.exit(SITE, token, t);
 *     throw t;
 * }
 * }</pre>
 *
 * The token lives in one new local variable, placed above all of the method's own ({@code max_locals}, read
 * in a pass over the metered methods' code beforehand), so that no instruction of the method changes. The
 * method's stack map frames are read expanded and each gets the token appended (the slots between the
 * frame's own locals and the token are unused, {@code TOP}). The woven code adds two frames: one after the
 * enter check (the method's parameters, exactly as at its start) and one at the handler (only the token).
 * The handler is the last entry of the exception table, so the method's own handlers come first. Only
 * class files of Java 7 (major 51) and later are woven here: they always carry stack map frames. A method
 * that already uses every local variable slot there is (65,535) leaves its class to Byte Buddy.
 */
final class DirectWeaver {

    /** {@link #weave} found nothing to meter or refuse: the class is left as it is. */
    static final byte[] UNCHANGED = new byte[0];

    static final String BRIDGE = "dev/tollgate/agent/bridge/Bridge";
    static final String ENTER = "(ILjava/lang/Class;)Ljava/lang/Object;";
    static final String EXIT = "(ILjava/lang/Object;Ljava/lang/Throwable;)V";
    private static final String THROWABLE = "java/lang/Throwable";
    private static final String OBJECT = "java/lang/Object";
    private static final int JAVA_7 = 51;

    private DirectWeaver() {
    }

    /**
     * The woven class file, {@link #UNCHANGED}, or {@code null} when this class is not for the direct path
     * (Byte Buddy then decides). Registers a site for every metered method and reports every refusal once.
     */
    static byte[] weave(byte[] bytes, Sites sites) {
        Choice choice = choose(bytes);
        if (choice == null) {
            return null;
        }
        for (String refusal : choice.refused) {
            Log.errorOnce(refusal, refusal);
        }
        if (choice.metered.isEmpty()) {
            return UNCHANGED;
        }
        Map<String, Integer> siteIds = new HashMap<String, Integer>();
        for (MeteredMethod m : choice.metered) {
            Site site = sites.register(m.feature(), m.costGiven() ? m.cost() : Site.COST_NOT_GIVEN, m.className(), m.method(), m.origin());
            siteIds.put(m.name() + m.descriptor(), Integer.valueOf(site.id()));
        }
        byte[] woven = write(choice, siteIds);
        Log.debug("metered methods of " + choice.typeName + " instrumented");
        return woven;
    }

    /** The chosen class with the advice woven into the methods of {@code siteIds} (name + descriptor to site id). */
    static byte[] write(Choice choice, Map<String, Integer> siteIds) {
        ClassWriter writer = new ClassWriter(choice.reader, 0);
        choice.reader.accept(new Weaving(writer, choice.internalName, siteIds, choice.maxLocals, null),
                ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    /**
     * The chosen class woven at build time ({@link BuildWeaver}): each metered method calls the class's own
     * helpers ({@link WovenMembers}) with its index in {@code members}' table instead of a site id, which only
     * the runtime can give.
     */
    static byte[] writeWoven(Choice choice, WovenMembers members) {
        ClassWriter writer = new ClassWriter(choice.reader, 0);
        choice.reader.accept(new Weaving(writer, choice.internalName, members.indexes(), choice.maxLocals, members),
                ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    /** The largest {@code max_locals} that leaves room for the token's local variable (a u2 in the class file). */
    static final int MOST_LOCALS = 0xFFFF - 1;

    /** A pass over the code of the methods to weave only, for each one's {@code max_locals}: the token's slot. */
    private static final class MaxLocals extends ClassVisitor {
        private final Set<String> methods;
        final Map<String, Integer> byMethod = new HashMap<String, Integer>();

        MaxLocals(Set<String> methods) {
            super(Opcodes.ASM9);
            this.methods = methods;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            final String key = name + descriptor;
            if (!methods.contains(key)) {
                return null; // its code is not even read
            }
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitMaxs(int maxStack, int maxLocals) {
                    byMethod.put(key, Integer.valueOf(maxLocals));
                }
            };
        }
    }

    /** What {@link MeteringRules} decides for this class, or {@code null} when this path cannot tell. */
    static Choice choose(byte[] bytes) {
        if (bytes.length < 8 || (((bytes[6] & 0xFF) << 8) | (bytes[7] & 0xFF)) < JAVA_7) {
            return null;
        }
        ClassReader reader;
        ClassFileShape shape;
        try {
            reader = new ClassReader(bytes);
            shape = ClassFileShape.read(reader);
        } catch (RuntimeException unreadable) {
            return null; // a class file ASM cannot read (a newer version): Byte Buddy's reader may
        }
        if (shape == null) {
            return null;
        }
        return choose(reader, shape.internalName(), MeteringRules.decide(shape, Collections.<Rule>emptyList()));
    }

    /** The choice for a class file whose decision was made elsewhere; {@code null} when a method has no room. */
    static Choice choose(ClassReader reader, String internalName, Decision decision) {
        Choice choice = new Choice(reader, internalName);
        choice.metered.addAll(decision.metered());
        choice.refused.addAll(decision.refused());
        if (!choice.metered.isEmpty()) {
            Set<String> methods = new HashSet<String>();
            for (MeteredMethod m : choice.metered) {
                methods.add(m.name() + m.descriptor());
            }
            MaxLocals pass = new MaxLocals(methods);
            reader.accept(pass, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            for (Integer n : pass.byMethod.values()) {
                if (n.intValue() > MOST_LOCALS) {
                    return null; // no room for the token here: Byte Buddy decides
                }
            }
            choice.maxLocals.putAll(pass.byMethod);
        }
        return choice;
    }

    /** The methods to meter in one class, and the annotations refused with the reason. */
    static final class Choice {
        final ClassReader reader;
        final String internalName;
        final String typeName;
        final List<MeteredMethod> metered = new ArrayList<MeteredMethod>();
        final List<String> refused = new ArrayList<String>();
        /** Each metered method's {@code max_locals} (name + descriptor): where its token goes. */
        final Map<String, Integer> maxLocals = new HashMap<String, Integer>();

        Choice(ClassReader reader, String internalName) {
            this.reader = reader;
            this.internalName = internalName;
            this.typeName = internalName.replace('/', '.');
        }
    }

    /** Second pass: copies the class, weaving the advice into the chosen methods. */
    private static final class Weaving extends ClassVisitor {
        private final String owner;
        private final Map<String, Integer> siteIds;
        private final Map<String, Integer> maxLocals;
        /** Set when weaving at build time: the class's own helpers, added at its end. */
        private final WovenMembers woven;

        Weaving(ClassWriter writer, String owner, Map<String, Integer> siteIds, Map<String, Integer> maxLocals,
                WovenMembers woven) {
            super(Opcodes.ASM9, writer);
            this.owner = owner;
            this.siteIds = siteIds;
            this.maxLocals = maxLocals;
            this.woven = woven;
        }

        @Override
        public void visitEnd() {
            if (woven != null) {
                woven.addTo(cv);
            }
            super.visitEnd();
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            Integer site = siteIds.get(name + descriptor);
            Integer token = maxLocals.get(name + descriptor);
            if (site == null || token == null) {
                return next;
            }
            return new Advised(next, owner, access, descriptor, site.intValue(), token.intValue(),
                    woven == null ? null : woven.feature(site.intValue()));
        }
    }

    private static final class Advised extends MethodVisitor {
        private final String owner;
        private final int access;
        private final String descriptor;
        private final int site;
        /** The token's local variable: the first slot the method itself never uses. */
        private final int token;
        private final Label start = new Label();
        private final Label end = new Label();
        private final Label handler = new Label();
        /** Woven at build time: the feature, and {@link #site} is the method's index in the class's table. */
        private final String wovenFeature;
        /** Where enter and exit are: the bridge, or the class's own helpers when woven at build time. */
        private final String calls;

        Advised(MethodVisitor next, String owner, int access, String descriptor, int site, int token,
                String wovenFeature) {
            super(Opcodes.ASM9, next);
            this.owner = owner;
            this.access = access;
            this.descriptor = descriptor;
            this.site = site;
            this.token = token;
            this.wovenFeature = wovenFeature;
            this.calls = wovenFeature == null ? BRIDGE : owner;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            Label go = new Label();
            if (wovenFeature == null) {
                pushSite();
                super.visitLdcInsn(Type.getObjectType(owner));
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "enter", ENTER, false);
            } else {
                super.visitLdcInsn(wovenFeature);
                pushSite();
                super.visitMethodInsn(Opcodes.INVOKESTATIC, owner, WovenMembers.ENTER, WovenMembers.ENTER_DESCRIPTOR,
                        false);
            }
            super.visitInsn(Opcodes.DUP);
            super.visitTypeInsn(Opcodes.INSTANCEOF, THROWABLE);
            super.visitJumpInsn(Opcodes.IFEQ, go);
            super.visitTypeInsn(Opcodes.CHECKCAST, THROWABLE);
            super.visitInsn(Opcodes.ATHROW);
            super.visitLabel(go);
            Object[] locals = parameters();
            super.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {OBJECT});
            super.visitVarInsn(Opcodes.ASTORE, token);
            super.visitLabel(start);
        }

        /** Every frame of the method's own (expanded) also holds the token, above the frame's locals. */
        @Override
        public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
            Object[] locals = withToken(numLocal, local);
            super.visitFrame(type, locals.length, locals, numStack, stack);
        }

        private Object[] withToken(int numLocal, Object[] local) {
            List<Object> all = new ArrayList<Object>(numLocal + token + 1);
            int slots = 0;
            for (int i = 0; i < numLocal; i++) {
                all.add(local[i]);
                slots += local[i] == Opcodes.LONG || local[i] == Opcodes.DOUBLE ? 2 : 1;
            }
            for (; slots < token; slots++) {
                all.add(Opcodes.TOP);
            }
            all.add(OBJECT);
            return all.toArray();
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                pushSite();
                super.visitVarInsn(Opcodes.ALOAD, token);
                super.visitInsn(Opcodes.ACONST_NULL);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, calls, exitName(), EXIT, false);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitLabel(end);
            super.visitTryCatchBlock(start, end, handler, THROWABLE);
            super.visitLabel(handler);
            Object[] locals = withToken(0, new Object[0]);
            super.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {THROWABLE});
            super.visitInsn(Opcodes.DUP);                       // t, t
            pushSite();                                         // t, t, site
            super.visitInsn(Opcodes.SWAP);                      // t, site, t
            super.visitVarInsn(Opcodes.ALOAD, token);           // t, site, t, token
            super.visitInsn(Opcodes.SWAP);                      // t, site, token, t
            super.visitMethodInsn(Opcodes.INVOKESTATIC, calls, exitName(), EXIT, false);
            super.visitInsn(Opcodes.ATHROW);
            super.visitMaxs(Math.max(maxStack + 3, 4), Math.max(maxLocals, token + 1));
        }

        private String exitName() {
            return wovenFeature == null ? "exit" : WovenMembers.EXIT;
        }

        private void pushSite() {
            if (site <= 5) {
                super.visitInsn(Opcodes.ICONST_0 + site);
            } else if (site <= Byte.MAX_VALUE) {
                super.visitIntInsn(Opcodes.BIPUSH, site);
            } else if (site <= Short.MAX_VALUE) {
                super.visitIntInsn(Opcodes.SIPUSH, site);
            } else {
                super.visitLdcInsn(Integer.valueOf(site));
            }
        }

        /** The frame's locals at the method's start: {@code this} (unless static), then the parameters. */
        private Object[] parameters() {
            Type[] params = Type.getArgumentTypes(descriptor);
            boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
            Object[] locals = new Object[params.length + (isStatic ? 0 : 1)];
            int i = 0;
            if (!isStatic) {
                locals[i++] = owner;
            }
            for (Type t : params) {
                switch (t.getSort()) {
                    case Type.BOOLEAN: case Type.BYTE: case Type.CHAR: case Type.SHORT: case Type.INT:
                        locals[i++] = Opcodes.INTEGER;
                        break;
                    case Type.FLOAT:
                        locals[i++] = Opcodes.FLOAT;
                        break;
                    case Type.LONG:
                        locals[i++] = Opcodes.LONG;
                        break;
                    case Type.DOUBLE:
                        locals[i++] = Opcodes.DOUBLE;
                        break;
                    case Type.ARRAY:
                        locals[i++] = t.getDescriptor();
                        break;
                    default:
                        locals[i++] = t.getInternalName();
                }
            }
            return locals;
        }
    }
}
