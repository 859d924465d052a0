package dev.tollgate.agent.instrument;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;

import dev.tollgate.agent.rules.ClassShape;
import dev.tollgate.agent.rules.MeteredAnnotation;
import dev.tollgate.agent.rules.MethodShape;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationList;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;
import net.bytebuddy.pool.TypePool;

/**
 * A Byte Buddy type description as a {@link ClassShape}, for {@link dev.tollgate.agent.rules.MeteringRules}:
 * the transformer's types and {@code check}'s come from type pools over class files, so nothing is loaded.
 * Reads lazily, as the pools do: a supertype is only parsed when the rules walk to it. A supertype is seen
 * through its generic form, so its methods have the subtype's type arguments put in. A class file the pool
 * cannot find is reported as {@link ClassShape.Missing}.
 *
 * <pre>{@code
 * Decision d = MeteringRules.decide(TypeShape.of(typeDescription), rules.all());
 * }</pre>
 */
final class TypeShape implements ClassShape {

    private final TypeDefinition type;

    private TypeShape(TypeDefinition type) {
        this.type = type;
    }

    static ClassShape of(TypeDescription type) {
        return new TypeShape(type);
    }

    @Override
    public String name() {
        try {
            return type.asErasure().getName();
        } catch (TypePool.Resolution.NoSuchTypeException e) {
            throw missing(e);
        }
    }

    @Override
    public String packageName() {
        TypeDescription erasure = type.asErasure();
        return erasure.getPackage() == null ? "" : erasure.getPackage().getName();
    }

    @Override
    public boolean isAnnotation() {
        return type.asErasure().isAnnotation();
    }

    @Override
    public MeteredAnnotation metered() {
        return metered(type.asErasure().getDeclaredAnnotations());
    }

    @Override
    public List<? extends MethodShape> methods() {
        final MethodList<?> methods = type.getDeclaredMethods();
        return new AbstractList<MethodShape>() {
            @Override
            public MethodShape get(int index) {
                return new Method(methods.get(index));
            }

            @Override
            public int size() {
                return methods.size();
            }
        };
    }

    @Override
    public ClassShape superClass() {
        try {
            TypeDescription.Generic superClass = type.getSuperClass();
            return superClass == null ? null : new TypeShape(superClass);
        } catch (TypePool.Resolution.NoSuchTypeException e) {
            throw missing(e);
        }
    }

    @Override
    public List<? extends ClassShape> interfaces() {
        final TypeList.Generic interfaces;
        try {
            interfaces = type.getInterfaces();
        } catch (TypePool.Resolution.NoSuchTypeException e) {
            throw missing(e);
        }
        return new AbstractList<ClassShape>() {
            @Override
            public ClassShape get(int index) {
                try {
                    return new TypeShape(interfaces.get(index));
                } catch (TypePool.Resolution.NoSuchTypeException e) {
                    throw missing(e);
                }
            }

            @Override
            public int size() {
                return interfaces.size();
            }
        };
    }

    private static ClassShape.Missing missing(TypePool.Resolution.NoSuchTypeException e) {
        return new ClassShape.Missing(e.getName(), e);
    }

    private static MeteredAnnotation metered(AnnotationList annotations) {
        for (AnnotationDescription a : annotations) {
            if (a.getAnnotationType().getName().equals(MeteredAnnotation.TYPE)) {
                return new Values(a);
            }
        }
        return null;
    }

    /** A method of the type, read when asked. */
    private static final class Method implements MethodShape {
        private final MethodDescription method;

        Method(MethodDescription method) {
            this.method = method;
        }

        @Override
        public String name() {
            return method.getInternalName();
        }

        @Override
        public String descriptor() {
            return method.getDescriptor();
        }

        @Override
        public int modifiers() {
            return method.getModifiers();
        }

        @Override
        public List<String> parameterTypes() {
            TypeList params = method.getParameters().asTypeList().asErasures();
            List<String> names = new ArrayList<String>(params.size());
            for (TypeDescription p : params) {
                names.add(p.getActualName());
            }
            return names;
        }

        @Override
        public MeteredAnnotation metered() {
            return TypeShape.metered(method.getDeclaredAnnotations());
        }
    }

    /** {@code @Metered}'s values, resolved when asked; Byte Buddy supplies the defaults from the annotation's class file. */
    private static final class Values implements MeteredAnnotation {
        private final AnnotationDescription annotation;

        Values(AnnotationDescription annotation) {
            this.annotation = annotation;
        }

        @Override
        public String feature() {
            return annotation.getValue("value").resolve(String.class);
        }

        @Override
        public int cost() {
            return annotation.getValue("cost").resolve(Integer.class);
        }
    }
}
