package dev.tollgate.agent.instrument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import dev.tollgate.agent.rules.ClassShape;
import dev.tollgate.agent.rules.MeteredAnnotation;
import dev.tollgate.agent.rules.MethodShape;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * One class file read with plain ASM, without its code, as a {@link ClassShape}: the direct weaving path's
 * view ({@link DirectWeaver}). It shows the class alone and no supertypes: the direct path takes only classes
 * whose supertypes carry no {@code @Metered} ({@link Ancestry} read their class files) and that no retrofit
 * rule reaches, so the rules need nothing beyond the class. Annotation values are read as written, with
 * {@code cost} 0 when not written (the annotation's default).
 *
 * <pre>{@code
 * ClassFileShape shape = ClassFileShape.read(new ClassReader(bytes));   // null: leave it to Byte Buddy
 * }</pre>
 */
final class ClassFileShape implements ClassShape {

    private static final String METERED = "L" + MeteredAnnotation.TYPE.replace('.', '/') + ";";

    private final String internalName;
    private final int access;
    private final Values metered;
    private final List<Method> methods;

    private ClassFileShape(String internalName, int access, Values metered, List<Method> methods) {
        this.internalName = internalName;
        this.access = access;
        this.metered = metered;
        this.methods = methods;
    }

    /**
     * Reads the class's access, its own {@code @Metered} and its methods', skipping code. {@code null} when an
     * annotation's values are not what this reader can read as Byte Buddy would (a value missing or of an odd
     * kind): Byte Buddy then decides. Throws what ASM throws on a class file it cannot read.
     */
    static ClassFileShape read(ClassReader reader) {
        Scan scan = new Scan();
        reader.accept(scan, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        if (scan.unclear) {
            return null;
        }
        return new ClassFileShape(scan.name, scan.access, scan.metered, scan.methods);
    }

    /** {@code com/acme/Reports}. */
    String internalName() {
        return internalName;
    }

    @Override
    public String name() {
        return internalName.replace('/', '.');
    }

    @Override
    public String packageName() {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
    }

    @Override
    public boolean isAnnotation() {
        return (access & Opcodes.ACC_ANNOTATION) != 0;
    }

    @Override
    public MeteredAnnotation metered() {
        return metered;
    }

    @Override
    public List<? extends MethodShape> methods() {
        return methods;
    }

    /** None shown: see the class comment. */
    @Override
    public ClassShape superClass() {
        return null;
    }

    /** None shown: see the class comment. */
    @Override
    public List<? extends ClassShape> interfaces() {
        return Collections.emptyList();
    }

    /** {@code @Metered}'s values as written; {@code cost} defaults to 0 as in the annotation. */
    private static final class Values extends AnnotationVisitor implements MeteredAnnotation {
        String feature;
        int cost;
        boolean unclear;

        Values() {
            super(Opcodes.ASM9);
        }

        @Override
        public String feature() {
            return feature;
        }

        @Override
        public int cost() {
            return cost;
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

    /** One declared method as far as deciding goes. */
    private static final class Method implements MethodShape {
        final int access;
        final String name;
        final String descriptor;
        Values metered;

        Method(int access, String name, String descriptor) {
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String descriptor() {
            return descriptor;
        }

        @Override
        public int modifiers() {
            return access;
        }

        @Override
        public List<String> parameterTypes() {
            Type[] params = Type.getArgumentTypes(descriptor);
            String[] names = new String[params.length];
            for (int i = 0; i < params.length; i++) {
                names[i] = params[i].getClassName();
            }
            return Arrays.asList(names);
        }

        @Override
        public MeteredAnnotation metered() {
            return metered;
        }
    }

    /** The class's access, its own {@code @Metered} and its methods', without reading code. */
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
}
