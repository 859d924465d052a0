package dev.tollgate.agent.instrument;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationList;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;

/**
 * Finds the methods of one type that must be metered, by {@code @Metered} on the method, on the type,
 * or on a method it overrides or implements in any supertype. The annotation is matched by its name
 * as a string, from the class files: no application class is loaded to decide.
 *
 * <p>{@link DirectWeaver} applies the same rules, minus inheritance, to classes that cannot inherit a
 * metered method: a change here needs the same change there ({@code DirectWeaverTest} compares the two).
 */
final class MeteredMethods {

    static final String METERED = "dev.tollgate.Metered";

    /** A method to meter, with the annotation values that apply to it. */
    static final class Found {
        final MethodDescription method;
        final String feature;
        final int cost;
        final String origin;

        Found(MethodDescription method, String feature, int cost, String origin) {
            this.method = method;
            this.feature = feature;
            this.cost = cost;
            this.origin = origin;
        }
    }

    /** What one type needs: methods to meter, and annotations refused with the reason. */
    static final class Result {
        static final Result NONE = new Result(Collections.<Found>emptyList(), Collections.<String>emptyList());

        final List<Found> metered;
        final List<String> refused;

        Result(List<Found> metered, List<String> refused) {
            this.metered = metered;
            this.refused = refused;
        }

        boolean isEmpty() {
            return metered.isEmpty() && refused.isEmpty();
        }
    }

    private MeteredMethods() {
    }

    static Result find(TypeDescription type) {
        List<Found> metered = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        AnnotationDescription onType = metered(type.getDeclaredAnnotations());
        for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
            if (m.isTypeInitializer()) {
                continue;
            }
            AnnotationDescription own = metered(m.getDeclaredAnnotations());
            if (m.isConstructor()) {
                if (own != null) {
                    refused.add("@Metered on constructor " + describe(type, m) + " is refused: a constructor body "
                            + "cannot be skipped; put it on a method");
                }
                continue;
            }
            if (m.isBridge() || m.isSynthetic()) {
                continue; // a bridge calls the real method, which is metered itself
            }
            if (own != null) {
                if (m.isNative()) {
                    refused.add("@Metered on native method " + describe(type, m) + " is refused: advice cannot run "
                            + "around a native method; put it on a Java method that calls it");
                } else if (!m.isAbstract()) {
                    add(metered, refused, type, m, own, "@Metered");
                }
                continue;
            }
            if (m.isAbstract() || m.isNative()) {
                continue;
            }
            if (onType != null && m.isPublic() && !isObjectMethod(m)) {
                add(metered, refused, type, m, onType, "@Metered on " + type.getName());
                continue;
            }
            if (!m.isStatic() && !m.isPrivate()) {
                inherited(metered, refused, type, m);
            }
        }
        return metered.isEmpty() && refused.isEmpty() ? Result.NONE : new Result(metered, refused);
    }

    /** Whether the type mentions {@code @Metered} itself, on the type or a method (cheap: no supertypes). */
    static boolean declaresMetered(TypeDescription type) {
        if (metered(type.getDeclaredAnnotations()) != null) {
            return true;
        }
        for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
            if (metered(m.getDeclaredAnnotations()) != null) {
                return true;
            }
        }
        return false;
    }

    private static void inherited(List<Found> metered, List<String> refused, TypeDescription type,
            MethodDescription m) {
        String name = m.getName();
        TypeList params = m.getParameters().asTypeList().asErasures();
        Set<String> visited = new HashSet<>();
        Deque<TypeDescription.Generic> queue = new ArrayDeque<>();
        enqueueSupertypes(queue, type.asGenericType());
        while (!queue.isEmpty()) {
            TypeDescription.Generic s = queue.poll();
            TypeDescription erasure;
            try {
                erasure = s.asErasure();
                if (isPlatform(erasure.getName()) || !visited.add(erasure.getName())) {
                    continue;
                }
                AnnotationDescription onSuper = metered(erasure.getDeclaredAnnotations());
                for (MethodDescription sm : s.getDeclaredMethods()) {
                    if (!sm.getName().equals(name) || sm.isStatic() || sm.isPrivate() || sm.isConstructor()
                            || sm.isBridge()) {
                        continue;
                    }
                    if (!sm.getParameters().asTypeList().asErasures().equals(params)) {
                        continue;
                    }
                    if (sm.isPackagePrivate() && !samePackage(erasure, type)) {
                        continue;
                    }
                    AnnotationDescription a = metered(sm.getDeclaredAnnotations());
                    if (a == null && onSuper != null && sm.isPublic() && !isObjectMethod(sm)) {
                        a = onSuper;
                    }
                    if (a != null) {
                        add(metered, refused, type, m, a, "@Metered on " + erasure.getName() + "#" + name);
                        return;
                    }
                }
                enqueueSupertypes(queue, s);
            } catch (RuntimeException unresolvable) {
                // A supertype whose class file cannot be found cannot carry an annotation we could see.
                continue;
            }
        }
    }

    private static void enqueueSupertypes(Deque<TypeDescription.Generic> queue, TypeDefinition type) {
        TypeDescription.Generic superClass = type.getSuperClass();
        if (superClass != null) {
            queue.add(superClass);
        }
        for (TypeDescription.Generic i : type.getInterfaces()) {
            queue.add(i);
        }
    }

    private static void add(List<Found> metered, List<String> refused, TypeDescription type, MethodDescription m,
            AnnotationDescription a, String origin) {
        String feature = a.getValue("value").resolve(String.class);
        int cost = a.getValue("cost").resolve(Integer.class);
        if (feature == null || feature.trim().isEmpty()) {
            refused.add(origin + " on " + describe(type, m) + " is refused: it names no feature");
        } else if (cost < 0) {
            refused.add(origin + " on " + describe(type, m) + " is refused: cost " + cost + " is negative; "
                    + "use a cost of at least 1, or leave it out");
        } else {
            metered.add(new Found(m, feature.trim(), cost, origin));
        }
    }

    private static AnnotationDescription metered(AnnotationList annotations) {
        for (AnnotationDescription a : annotations) {
            if (a.getAnnotationType().getName().equals(METERED)) {
                return a;
            }
        }
        return null;
    }

    private static boolean isObjectMethod(MethodDescription m) {
        int n = m.getParameters().size();
        String name = m.getName();
        return (n == 0 && (name.equals("toString") || name.equals("hashCode")))
                || (n == 1 && name.equals("equals")
                && m.getParameters().get(0).getType().asErasure().getName().equals("java.lang.Object"));
    }

    private static boolean samePackage(TypeDescription a, TypeDescription b) {
        String pa = a.getPackage() == null ? "" : a.getPackage().getName();
        String pb = b.getPackage() == null ? "" : b.getPackage().getName();
        return pa.equals(pb);
    }

    /** Platform types never carry {@code @Metered}; not walking them keeps matching cheap. */
    static boolean isPlatform(String name) {
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.");
    }

    /** {@code com.acme.Reports#export(java.lang.String, int)}. */
    static String describe(TypeDescription type, MethodDescription m) {
        return type.getName() + "#" + signature(m);
    }

    /** {@code export(java.lang.String, int)}, or {@code <init>(int)} for a constructor. */
    static String signature(MethodDescription m) {
        StringBuilder s = new StringBuilder(m.isConstructor() ? "<init>" : m.getName()).append('(');
        TypeList params = m.getParameters().asTypeList().asErasures();
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(params.get(i).getActualName());
        }
        return s.append(')').toString();
    }
}
