package dev.tollgate.agent.instrument;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.tollgate.agent.config.MethodPattern;
import dev.tollgate.agent.config.Rule;

import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationList;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;
import net.bytebuddy.pool.TypePool;

/**
 * Finds the methods of one type that must be metered, by {@code @Metered} on the method, on the type,
 * or on a method it overrides or implements in any supertype, and by retrofit rules from the config.
 * The annotation is matched by its name as a string, from the class files: no application class is
 * loaded to decide. An annotation and a rule produce the same {@link Found}.
 *
 * <p>{@link DirectWeaver} applies the same annotation rules, minus inheritance and retrofit rules, to
 * classes that cannot inherit a metered method and that no rule reaches: a change here needs the same
 * change there ({@code DirectWeaverTest} compares the two).
 */
final class MeteredMethods {

    static final String METERED = "dev.tollgate.Metered";

    /** A method to meter, with the feature and cost of the annotation or rule that applies to it. */
    static final class Found {
        final MethodDescription method;
        final String feature;
        /** Units per call; 0 when the annotation or rule gives none (the feature's cost applies). */
        final int cost;
        final String origin;
        /** The rule that won, or {@code null} when an annotation did. */
        final Rule rule;
        /** Rules that matched the method too but lost to the annotation or to an earlier rule. */
        final List<Rule> shadowed;

        Found(MethodDescription method, String feature, int cost, String origin) {
            this(method, feature, cost, origin, null, Collections.<Rule>emptyList());
        }

        Found(MethodDescription method, String feature, int cost, String origin, Rule rule, List<Rule> shadowed) {
            this.method = method;
            this.feature = feature;
            this.cost = cost;
            this.origin = origin;
            this.rule = rule;
            this.shadowed = shadowed;
        }

        Found shadowing(List<Rule> rules) {
            return new Found(method, feature, cost, origin, rule, rules);
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
        return find(type, Collections.<Rule>emptyList());
    }

    /**
     * The methods {@code type} declares that {@code @Metered} or a retrofit rule meters. Each method gets
     * one {@link Found} at most, so it is charged once: an annotation wins over rules, and the first rule
     * in the config over later ones (the losers are kept in {@link Found#shadowed}).
     */
    static Result find(TypeDescription type, List<Rule> rules) {
        List<Found> metered = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<Rule> applicable = rules.isEmpty() ? Collections.<Rule>emptyList() : applicable(type, rules);
        AnnotationDescription onType = metered(type.getDeclaredAnnotations());
        for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
            int before = metered.size();
            byAnnotation(metered, refused, type, onType, m);
            if (applicable.isEmpty() || m.isConstructor() || m.isTypeInitializer() || m.isBridge()
                    || m.isSynthetic() || m.isAbstract()) {
                continue;
            }
            List<Rule> matching = matching(applicable, m);
            if (matching.isEmpty()) {
                continue;
            }
            if (metered.size() > before) {
                metered.set(before, metered.get(before).shadowing(matching)); // the annotation wins
            } else if (m.isNative()) {
                refused.add(matching.get(0).origin() + " on native method " + describe(type, m) + " is refused: "
                        + "advice cannot run around a native method; meter a Java method that calls it");
            } else {
                Rule first = matching.get(0);
                metered.add(new Found(m, first.feature(), first.cost(), first.origin(), first,
                        matching.subList(1, matching.size())));
            }
        }
        return metered.isEmpty() && refused.isEmpty() ? Result.NONE : new Result(metered, refused);
    }

    private static void byAnnotation(List<Found> metered, List<String> refused, TypeDescription type,
            AnnotationDescription onType, MethodDescription.InDefinedShape m) {
        if (m.isTypeInitializer()) {
            return;
        }
        AnnotationDescription own = metered(m.getDeclaredAnnotations());
        if (m.isConstructor()) {
            if (own != null) {
                refused.add("@Metered on constructor " + describe(type, m) + " is refused: a constructor body "
                        + "cannot be skipped; put it on a method");
            }
            return;
        }
        if (m.isBridge() || m.isSynthetic()) {
            return; // a bridge calls the real method, which is metered itself
        }
        if (own != null) {
            if (m.isNative()) {
                refused.add("@Metered on native method " + describe(type, m) + " is refused: advice cannot run "
                        + "around a native method; put it on a Java method that calls it");
            } else if (!m.isAbstract()) {
                add(metered, refused, type, m, own, "@Metered");
            }
            return;
        }
        if (m.isAbstract() || m.isNative()) {
            return;
        }
        if (onType != null && m.isPublic() && !isObjectMethod(m)) {
            add(metered, refused, type, m, onType, "@Metered on " + type.getName());
            return;
        }
        if (!m.isStatic() && !m.isPrivate()) {
            inherited(metered, refused, type, m);
        }
    }

    /** The rules that may match methods of {@code type}: by its name, or for '+' rules by a supertype's. */
    private static List<Rule> applicable(TypeDescription type, List<Rule> rules) {
        List<Rule> applicable = new ArrayList<>();
        Set<String> supertypes = null;
        for (Rule r : rules) {
            MethodPattern p = r.pattern();
            if (p.matchesType(type.getName())) {
                applicable.add(r);
            } else if (p.subtypes()) {
                if (supertypes == null) {
                    supertypes = supertypeNames(type);
                }
                for (String s : supertypes) {
                    if (p.matchesType(s)) {
                        applicable.add(r);
                        break;
                    }
                }
            }
        }
        return applicable;
    }

    /**
     * Every supertype of {@code type} outside the Java platform, from the class files (nothing is loaded).
     * A platform type has no supertypes outside the platform, so the walk stops there. A supertype whose
     * class file cannot be found is still named (its subtype's class file names it), but what lies beyond
     * it cannot be seen.
     */
    static Set<String> supertypeNames(TypeDescription type) {
        return supertypeNames(type, new HashSet<String>());
    }

    /** As {@link #supertypeNames(TypeDescription)}; adds the supertypes whose class files are missing to {@code missing}. */
    static Set<String> supertypeNames(TypeDescription type, Set<String> missing) {
        Set<String> names = new LinkedHashSet<>();
        Deque<TypeDefinition> queue = new ArrayDeque<>();
        queue.add(type);
        while (!queue.isEmpty()) {
            TypeDefinition t = queue.poll();
            try {
                TypeDescription.Generic superClass = t.getSuperClass();
                if (superClass != null) {
                    visit(superClass, names, queue);
                }
            } catch (TypePool.Resolution.NoSuchTypeException e) {
                unresolved(e, names, missing);
            } catch (RuntimeException unreadable) {
                // nothing to see beyond it
            }
            TypeList.Generic interfaces;
            try {
                interfaces = t.getInterfaces();
            } catch (RuntimeException unreadable) {
                continue;
            }
            for (int i = 0; i < interfaces.size(); i++) {
                try {
                    visit(interfaces.get(i), names, queue);
                } catch (TypePool.Resolution.NoSuchTypeException e) {
                    unresolved(e, names, missing);
                } catch (RuntimeException unreadable) {
                    // nothing to see beyond it
                }
            }
        }
        return names;
    }

    private static void visit(TypeDescription.Generic s, Set<String> names, Deque<TypeDefinition> queue) {
        TypeDescription erasure = s.asErasure();
        String name = erasure.getName();
        if (!isPlatform(name) && names.add(name)) {
            queue.add(erasure);
        }
    }

    private static void unresolved(TypePool.Resolution.NoSuchTypeException e, Set<String> names, Set<String> missing) {
        String name = e.getName();
        if (name != null && !isPlatform(name)) {
            names.add(name);
            missing.add(name);
        }
    }

    /** The rules, in config order, whose method part fits {@code m}. */
    private static List<Rule> matching(List<Rule> applicable, MethodDescription m) {
        List<Rule> matching = Collections.emptyList();
        List<String> params = null;
        for (Rule r : applicable) {
            MethodPattern p = r.pattern();
            if (!p.matchesMethodName(m.getName())) {
                continue;
            }
            if (!p.namesMethodExactly() && (!m.isPublic() || m.isNative() || isObjectMethod(m))) {
                continue; // a wildcard reaches public methods only, and never toString, equals or hashCode
            }
            if (params == null) {
                params = parameterNames(m);
            }
            if (p.matchesParameters(params)) {
                if (matching.isEmpty()) {
                    matching = new ArrayList<>();
                }
                matching.add(r);
            }
        }
        return matching;
    }

    private static List<String> parameterNames(MethodDescription m) {
        TypeList params = m.getParameters().asTypeList().asErasures();
        List<String> names = new ArrayList<>(params.size());
        for (TypeDescription p : params) {
            names.add(p.getActualName());
        }
        return names;
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

    /** Queues the supertypes that can be resolved; a missing class file cannot carry an annotation we could see. */
    private static void enqueueSupertypes(Deque<TypeDescription.Generic> queue, TypeDefinition type) {
        try {
            TypeDescription.Generic superClass = type.getSuperClass();
            if (superClass != null) {
                queue.add(superClass);
            }
        } catch (RuntimeException unresolvable) {
            // go on with the interfaces
        }
        try {
            for (TypeDescription.Generic i : type.getInterfaces()) {
                queue.add(i);
            }
        } catch (RuntimeException unresolvable) {
            // nothing more to see here
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
