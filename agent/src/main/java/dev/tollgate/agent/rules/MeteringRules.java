package dev.tollgate.agent.rules;

import java.lang.reflect.Modifier;
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

/**
 * Decides which methods of one class are metered: by {@code @Metered} on the method, on the class, or on a
 * method it overrides or implements in any supertype, and by the config's retrofit rules. The one place that
 * decides it, for every weaver (the agent's Byte Buddy and direct ASM paths, a build-time weaver) and for
 * {@code check}: each reads a class into a {@link ClassShape} with its bytecode library and asks here. The
 * annotation is known by its name, from the class file; no class is loaded to decide.
 *
 * <p>The rules, as the README states them: each method is metered at most once; an annotation on the method
 * wins over one on its class, which reaches public methods other than {@code toString}, {@code equals} and
 * {@code hashCode}; a method without either inherits the annotation of the nearest method it overrides (not
 * across packages for package-private ones). An annotation wins over rules, the first rule in the config over
 * later ones. Constructors and native methods are refused with a message; bridges, synthetic and abstract
 * methods are never metered (the real method or the implementation is). A wildcard method name reaches public
 * methods only, never the three {@code Object} methods. A cost below 0 or an empty feature is refused.
 *
 * <pre>{@code
 * Decision d = MeteringRules.decide(shape, config.rules());
 * for (MeteredMethod m : d.metered()) { ... }
 * }</pre>
 */
public final class MeteringRules {

    private MeteringRules() {
    }

    /**
     * The methods {@code type} declares that {@code @Metered} or a retrofit rule meters, and the refusals. An
     * annotation type has none.
     */
    public static Decision decide(ClassShape type, List<Rule> rules) {
        if (type.isAnnotation()) {
            return Decision.NONE;
        }
        List<MeteredMethod> metered = new ArrayList<MeteredMethod>();
        List<String> refused = new ArrayList<String>();
        List<Rule> applicable = rules.isEmpty() ? Collections.<Rule>emptyList() : applicable(type, rules);
        MeteredAnnotation onType = type.metered();
        for (MethodShape m : type.methods()) {
            int before = metered.size();
            byAnnotation(metered, refused, type, onType, m);
            if (applicable.isEmpty() || isConstructor(m) || isTypeInitializer(m)
                    || has(m, MethodShape.BRIDGE | MethodShape.SYNTHETIC | Modifier.ABSTRACT)) {
                continue;
            }
            List<Rule> matching = matching(applicable, m);
            if (matching.isEmpty()) {
                continue;
            }
            if (metered.size() > before) {
                metered.set(before, metered.get(before).shadowing(matching)); // the annotation wins
            } else if (has(m, Modifier.NATIVE)) {
                refused.add(matching.get(0).origin() + " on native method " + describe(type, m) + " is refused: "
                        + "advice cannot run around a native method; meter a Java method that calls it");
            } else {
                Rule first = matching.get(0);
                metered.add(meteredMethod(type, m, first.feature(), first.cost(), first.origin(), first,
                        matching.subList(1, matching.size())));
            }
        }
        return metered.isEmpty() && refused.isEmpty() ? Decision.NONE : new Decision(metered, refused);
    }

    private static void byAnnotation(List<MeteredMethod> metered, List<String> refused, ClassShape type,
            MeteredAnnotation onType, MethodShape m) {
        if (isTypeInitializer(m)) {
            return;
        }
        MeteredAnnotation own = m.metered();
        if (isConstructor(m)) {
            if (own != null) {
                refused.add("@Metered on constructor " + describe(type, m) + " is refused: a constructor body "
                        + "cannot be skipped; put it on a method");
            }
            return;
        }
        if (has(m, MethodShape.BRIDGE | MethodShape.SYNTHETIC)) {
            return; // a bridge calls the real method, which is metered itself
        }
        boolean isAbstract = has(m, Modifier.ABSTRACT);
        boolean isNative = has(m, Modifier.NATIVE);
        if (own != null) {
            if (isNative) {
                refused.add("@Metered on native method " + describe(type, m) + " is refused: advice cannot run "
                        + "around a native method; put it on a Java method that calls it");
            } else if (!isAbstract) {
                add(metered, refused, type, m, own, "@Metered");
            }
            return;
        }
        if (isAbstract || isNative) {
            return;
        }
        if (onType != null && has(m, Modifier.PUBLIC) && !isObjectMethod(m)) {
            add(metered, refused, type, m, onType, "@Metered on " + type.name());
            return;
        }
        if (!has(m, Modifier.STATIC | Modifier.PRIVATE)) {
            inherited(metered, refused, type, m);
        }
    }

    /** The rules that may match methods of {@code type}: by its name, or for '+' rules by a supertype's. */
    private static List<Rule> applicable(ClassShape type, List<Rule> rules) {
        List<Rule> applicable = new ArrayList<Rule>();
        Set<String> supertypes = null;
        for (Rule r : rules) {
            MethodPattern p = r.pattern();
            if (p.matchesType(type.name())) {
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
    public static Set<String> supertypeNames(ClassShape type) {
        return supertypeNames(type, new HashSet<String>());
    }

    /** As {@link #supertypeNames(ClassShape)}; adds the supertypes whose class files are missing to {@code missing}. */
    public static Set<String> supertypeNames(ClassShape type, Set<String> missing) {
        Set<String> names = new LinkedHashSet<String>();
        Deque<ClassShape> queue = new ArrayDeque<ClassShape>();
        queue.add(type);
        while (!queue.isEmpty()) {
            ClassShape t = queue.poll();
            try {
                ClassShape superClass = t.superClass();
                if (superClass != null) {
                    visit(superClass, names, queue);
                }
            } catch (ClassShape.Missing e) {
                unresolved(e, names, missing);
            } catch (RuntimeException unreadable) {
                // nothing to see beyond it
            }
            List<? extends ClassShape> interfaces;
            try {
                interfaces = t.interfaces();
            } catch (RuntimeException unreadable) {
                continue;
            }
            for (int i = 0; i < interfaces.size(); i++) {
                try {
                    visit(interfaces.get(i), names, queue);
                } catch (ClassShape.Missing e) {
                    unresolved(e, names, missing);
                } catch (RuntimeException unreadable) {
                    // nothing to see beyond it
                }
            }
        }
        return names;
    }

    private static void visit(ClassShape s, Set<String> names, Deque<ClassShape> queue) {
        String name = s.name();
        if (!isPlatform(name) && names.add(name)) {
            queue.add(s);
        }
    }

    private static void unresolved(ClassShape.Missing e, Set<String> names, Set<String> missing) {
        String name = e.name();
        if (name != null && !isPlatform(name)) {
            names.add(name);
            missing.add(name);
        }
    }

    /** The rules, in config order, whose method part fits {@code m}. */
    private static List<Rule> matching(List<Rule> applicable, MethodShape m) {
        List<Rule> matching = Collections.emptyList();
        List<String> params = null;
        for (Rule r : applicable) {
            MethodPattern p = r.pattern();
            if (!p.matchesMethodName(m.name())) {
                continue;
            }
            if (!p.namesMethodExactly() && (!has(m, Modifier.PUBLIC) || has(m, Modifier.NATIVE) || isObjectMethod(m))) {
                continue; // a wildcard reaches public methods only, and never toString, equals or hashCode
            }
            if (params == null) {
                params = m.parameterTypes();
            }
            if (p.matchesParameters(params)) {
                if (matching.isEmpty()) {
                    matching = new ArrayList<Rule>();
                }
                matching.add(r);
            }
        }
        return matching;
    }

    /** The nearest annotated method that {@code m} overrides or implements, walking the supertypes breadth first. */
    private static void inherited(List<MeteredMethod> metered, List<String> refused, ClassShape type, MethodShape m) {
        Deque<ClassShape> queue = new ArrayDeque<ClassShape>();
        enqueueSupertypes(queue, type);
        if (queue.isEmpty()) {
            return;
        }
        String name = m.name();
        List<String> params = m.parameterTypes();
        Set<String> visited = new HashSet<String>();
        while (!queue.isEmpty()) {
            ClassShape s = queue.poll();
            try {
                String superName = s.name();
                if (isPlatform(superName) || !visited.add(superName)) {
                    continue;
                }
                MeteredAnnotation onSuper = s.metered();
                for (MethodShape sm : s.methods()) {
                    if (!sm.name().equals(name) || has(sm, Modifier.STATIC | Modifier.PRIVATE | MethodShape.BRIDGE)
                            || isConstructor(sm)) {
                        continue;
                    }
                    if (!sm.parameterTypes().equals(params)) {
                        continue;
                    }
                    if (isPackagePrivate(sm) && !s.packageName().equals(type.packageName())) {
                        continue;
                    }
                    MeteredAnnotation a = sm.metered();
                    if (a == null && onSuper != null && has(sm, Modifier.PUBLIC) && !isObjectMethod(sm)) {
                        a = onSuper;
                    }
                    if (a != null) {
                        add(metered, refused, type, m, a, "@Metered on " + superName + "#" + name);
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
    private static void enqueueSupertypes(Deque<ClassShape> queue, ClassShape type) {
        try {
            ClassShape superClass = type.superClass();
            if (superClass != null) {
                queue.add(superClass);
            }
        } catch (RuntimeException unresolvable) {
            // go on with the interfaces
        }
        try {
            queue.addAll(type.interfaces());
        } catch (RuntimeException unresolvable) {
            // nothing more to see here
        }
    }

    private static void add(List<MeteredMethod> metered, List<String> refused, ClassShape type, MethodShape m,
            MeteredAnnotation a, String origin) {
        String feature = a.feature();
        int cost = a.cost();
        if (feature == null || feature.trim().isEmpty()) {
            refused.add(origin + " on " + describe(type, m) + " is refused: it names no feature");
        } else if (cost < 0) {
            refused.add(origin + " on " + describe(type, m) + " is refused: cost " + cost + " is negative; "
                    + "use a cost of at least 1, or leave it out");
        } else {
            metered.add(meteredMethod(type, m, feature.trim(), cost, origin, null, Collections.<Rule>emptyList()));
        }
    }

    private static MeteredMethod meteredMethod(ClassShape type, MethodShape m, String feature, int cost, String origin,
            Rule rule, List<Rule> shadowed) {
        return new MeteredMethod(type.name(), m.name(), m.descriptor(), signature(m), feature, cost, origin, rule,
                shadowed);
    }

    private static boolean has(MethodShape m, int modifiers) {
        return (m.modifiers() & modifiers) != 0;
    }

    private static boolean isPackagePrivate(MethodShape m) {
        return !has(m, Modifier.PUBLIC | Modifier.PROTECTED | Modifier.PRIVATE);
    }

    private static boolean isConstructor(MethodShape m) {
        return m.name().equals("<init>");
    }

    private static boolean isTypeInitializer(MethodShape m) {
        return m.name().equals("<clinit>");
    }

    /** {@code toString()}, {@code hashCode()} and {@code equals(Object)}, by name and parameters. */
    private static boolean isObjectMethod(MethodShape m) {
        String name = m.name();
        if (!name.equals("toString") && !name.equals("hashCode") && !name.equals("equals")) {
            return false;
        }
        List<String> params = m.parameterTypes();
        int n = params.size();
        return (n == 0 && (name.equals("toString") || name.equals("hashCode")))
                || (n == 1 && name.equals("equals") && params.get(0).equals("java.lang.Object"));
    }

    /** Platform types never carry {@code @Metered}; not walking them keeps matching cheap. */
    public static boolean isPlatform(String name) {
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.");
    }

    /** {@code com.acme.Reports#export(java.lang.String, int)}. */
    static String describe(ClassShape type, MethodShape m) {
        return type.name() + "#" + signature(m);
    }

    /** {@code export(java.lang.String, int)}, or {@code <init>(int)} for a constructor. */
    public static String signature(MethodShape m) {
        StringBuilder s = new StringBuilder(m.name()).append('(');
        List<String> params = m.parameterTypes();
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(params.get(i));
        }
        return s.append(')').toString();
    }
}
