package dev.tollgate.agent.instrument;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tollgate.agent.log.Log;
import dev.tollgate.agent.site.Site;
import dev.tollgate.agent.site.Sites;
import net.bytebuddy.jar.asm.AnnotationVisitor;
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
 * <p>The methods are chosen by the rules of {@link MeteredMethods} (which stays the reference) and produce
 * the same sites, refusals and messages. Each metered method becomes, in bytecode:
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

    private static final String METERED = "Ldev/tollgate/Metered;";
    private static final String BRIDGE = "dev/tollgate/agent/bridge/Bridge";
    private static final String ENTER = "(ILjava/lang/Class;)Ljava/lang/Object;";
    private static final String EXIT = "(ILjava/lang/Object;Ljava/lang/Throwable;)V";
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
        for (Found f : choice.metered) {
            Site site = sites.register(f.feature, f.cost, choice.typeName, signature(f.method), f.origin);
            siteIds.put(f.method.name + f.method.descriptor, Integer.valueOf(site.id()));
        }
        byte[] woven = write(choice, siteIds);
        Log.debug("metered methods of " + choice.typeName + " instrumented");
        return woven;
    }

    /** The chosen class with the advice woven into the methods of {@code siteIds} (name + descriptor to site id). */
    static byte[] write(Choice choice, Map<String, Integer> siteIds) {
        ClassWriter writer = new ClassWriter(choice.reader, 0);
        choice.reader.accept(new Weaving(writer, choice.internalName, siteIds, choice.maxLocals),
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

    /** What {@link MeteredMethods#find} would choose in this class, or {@code null} when this path cannot tell. */
    static Choice choose(byte[] bytes) {
        if (bytes.length < 8 || (((bytes[6] & 0xFF) << 8) | (bytes[7] & 0xFF)) < JAVA_7) {
            return null;
        }
        ClassReader reader;
        Scan scan = new Scan();
        try {
            reader = new ClassReader(bytes);
            reader.accept(scan, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        } catch (RuntimeException unreadable) {
            return null; // a class file ASM cannot read (a newer version): Byte Buddy's reader may
        }
        if (scan.unclear) {
            return null;
        }
        Choice choice = new Choice(reader, scan.name);
        if ((scan.access & Opcodes.ACC_ANNOTATION) != 0) {
            return choice;
        }
        for (Method m : scan.methods) {
            choose(scan, choice.typeName, m, choice.metered, choice.refused);
        }
        if (!choice.metered.isEmpty()) {
            Set<String> methods = new HashSet<String>();
            for (Found f : choice.metered) {
                methods.add(f.method.name + f.method.descriptor);
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
        final List<Found> metered = new ArrayList<Found>();
        final List<String> refused = new ArrayList<String>();
        /** Each metered method's {@code max_locals} (name + descriptor): where its token goes. */
        final Map<String, Integer> maxLocals = new HashMap<String, Integer>();

        Choice(ClassReader reader, String internalName) {
            this.reader = reader;
            this.internalName = internalName;
            this.typeName = internalName.replace('/', '.');
        }
    }

    /** A method to meter, with the annotation values that apply to it. */
    static final class Found {
        final Method method;
        final String feature;
        final int cost;
        final String origin;

        Found(Method method, String feature, int cost, String origin) {
            this.method = method;
            this.feature = feature;
            this.cost = cost;
            this.origin = origin;
        }
    }

    /** {@link MeteredMethods#find} for a class that inherits nothing metered. */
    private static void choose(Scan type, String typeName, Method m, List<Found> metered, List<String> refused) {
        if (m.name.equals("<clinit>")) {
            return;
        }
        if (m.name.equals("<init>")) {
            if (m.metered != null) {
                refused.add("@Metered on constructor " + typeName + "#" + signature(m) + " is refused: a constructor "
                        + "body cannot be skipped; put it on a method");
            }
            return;
        }
        if ((m.access & (Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC)) != 0) {
            return; // a bridge calls the real method, which is metered itself
        }
        boolean isAbstract = (m.access & Opcodes.ACC_ABSTRACT) != 0;
        boolean isNative = (m.access & Opcodes.ACC_NATIVE) != 0;
        if (m.metered != null) {
            if (isNative) {
                refused.add("@Metered on native method " + typeName + "#" + signature(m) + " is refused: advice "
                        + "cannot run around a native method; put it on a Java method that calls it");
            } else if (!isAbstract) {
                add(typeName, m, m.metered, "@Metered", metered, refused);
            }
            return;
        }
        if (isAbstract || isNative) {
            return;
        }
        if (type.metered != null && (m.access & Opcodes.ACC_PUBLIC) != 0 && !isObjectMethod(m)) {
            add(typeName, m, type.metered, "@Metered on " + typeName, metered, refused);
        }
    }

    private static void add(String typeName, Method m, Values a, String origin, List<Found> metered,
            List<String> refused) {
        String feature = a.feature;
        if (feature.trim().isEmpty()) {
            refused.add(origin + " on " + typeName + "#" + signature(m) + " is refused: it names no feature");
        } else if (a.cost < 0) {
            refused.add(origin + " on " + typeName + "#" + signature(m) + " is refused: cost " + a.cost
                    + " is negative; use a cost of at least 1, or leave it out");
        } else {
            metered.add(new Found(m, feature.trim(), a.cost, origin));
        }
    }

    /** As {@link MeteredMethods}: {@code toString()}, {@code hashCode()} and {@code equals(Object)}, by name and parameters. */
    private static boolean isObjectMethod(Method m) {
        if (m.descriptor.startsWith("()")) {
            return m.name.equals("toString") || m.name.equals("hashCode");
        }
        return m.descriptor.startsWith("(Ljava/lang/Object;)") && m.name.equals("equals");
    }

    /** As {@link MeteredMethods#signature}: {@code export(java.lang.String, int[])}, {@code <init>(int)}. */
    static String signature(Method m) {
        StringBuilder s = new StringBuilder(m.name).append('(');
        Type[] params = Type.getArgumentTypes(m.descriptor);
        for (int i = 0; i < params.length; i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(params[i].getClassName());
        }
        return s.append(')').toString();
    }

    /** {@code @Metered}'s values as written; {@code cost} defaults to 0 as in the annotation. */
    private static final class Values extends AnnotationVisitor {
        String feature;
        int cost;
        boolean unclear;

        Values() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(String name, Object value) {
            if ("value".equals(name) && value instanceof String) {
                feature = (String) value;
            } else if ("cost".equals(name) && value instanceof Integer) {
                cost = ((Integer) value).intValue();
            } else {
                unclear = true;
            }
        }

        @Override
        public void visitEnum(String name, String descriptor, String value) {
            unclear = true;
        }

        @Override
        public AnnotationVisitor visitAnnotation(String name, String descriptor) {
            unclear = true;
            return null;
        }

        @Override
        public AnnotationVisitor visitArray(String name) {
            unclear = true;
            return null;
        }
    }

    /** One declared method as far as choosing goes. */
    static final class Method {
        final int access;
        final String name;
        final String descriptor;
        Values metered;

        Method(int access, String name, String descriptor) {
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
        }
    }

    /** First pass: the class's access, its own {@code @Metered} and its methods', without reading code. */
    private static final class Scan extends ClassVisitor {
        int access;
        String name;
        Values metered;
        final List<Method> methods = new ArrayList<Method>();
        /** Something this path does not read as Byte Buddy would (a value missing or of an odd kind). */
        boolean unclear;
        private final List<Values> all = new ArrayList<Values>();

        Scan() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            this.access = access;
            this.name = name;
        }

        @Override
        public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            if (!METERED.equals(descriptor)) {
                return null;
            }
            metered = values();
            return metered;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            final Method m = new Method(access, name, descriptor);
            methods.add(m);
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    if (!METERED.equals(annotation)) {
                        return null;
                    }
                    m.metered = values();
                    return m.metered;
                }
            };
        }

        @Override
        public void visitEnd() {
            for (Values v : all) {
                if (v.unclear || v.feature == null) {
                    unclear = true;
                }
            }
        }

        private Values values() {
            Values v = new Values();
            all.add(v);
            return v;
        }
    }

    /** Second pass: copies the class, weaving the advice into the chosen methods. */
    private static final class Weaving extends ClassVisitor {
        private final String owner;
        private final Map<String, Integer> siteIds;
        private final Map<String, Integer> maxLocals;

        Weaving(ClassWriter writer, String owner, Map<String, Integer> siteIds, Map<String, Integer> maxLocals) {
            super(Opcodes.ASM9, writer);
            this.owner = owner;
            this.siteIds = siteIds;
            this.maxLocals = maxLocals;
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
            return new Advised(next, owner, access, descriptor, site.intValue(), token.intValue());
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

        Advised(MethodVisitor next, String owner, int access, String descriptor, int site, int token) {
            super(Opcodes.ASM9, next);
            this.owner = owner;
            this.access = access;
            this.descriptor = descriptor;
            this.site = site;
            this.token = token;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            Label go = new Label();
            pushSite();
            super.visitLdcInsn(Type.getObjectType(owner));
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "enter", ENTER, false);
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
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "exit", EXIT, false);
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
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "exit", EXIT, false);
            super.visitInsn(Opcodes.ATHROW);
            super.visitMaxs(Math.max(maxStack + 3, 4), Math.max(maxLocals, token + 1));
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
