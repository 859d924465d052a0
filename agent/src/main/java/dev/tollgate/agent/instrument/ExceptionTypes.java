package dev.tollgate.agent.instrument;

import java.util.List;

import dev.tollgate.agent.config.DenialExceptionRule;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Checks, from class files and without loading anything, that a configured denial exception can be
 * built, by {@link DenialExceptionRule}.
 */
public final class ExceptionTypes {

    /** The outcome of a check. */
    public static final class Verdict {
        private final boolean found;
        private final String problem;

        Verdict(boolean found, String problem) {
            this.found = found;
            this.problem = problem;
        }

        /** Whether the class file was found at all. */
        public boolean found() {
            return found;
        }

        /** Why the class cannot serve, or {@code null} when it can (or was not found). */
        public String problem() {
            return problem;
        }
    }

    private ExceptionTypes() {
    }

    /** Checks {@code className} as {@code loader} would see it. */
    public static Verdict check(String className, ClassLoader loader) {
        return check(className, TypePool.Default.of(loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader()
                : ClassFileLocator.ForClassLoader.of(loader)));
    }

    /** Checks {@code className} as found in {@code pool}. */
    static Verdict check(String className, TypePool pool) {
        TypePool.Resolution r = pool.describe(className);
        if (!r.isResolved()) {
            return new Verdict(false, null);
        }
        try {
            TypeDescription type = r.resolve();
            return new Verdict(true, DenialExceptionRule.problem(className, isUnchecked(type), type.isAbstract(),
                    type.isPublic(), constructible(type)));
        } catch (RuntimeException unresolvable) {
            return new Verdict(true, className + " cannot be read: " + unresolvable.getMessage());
        }
    }

    private static boolean constructible(TypeDescription type) {
        for (MethodDescription.InDefinedShape c : type.getDeclaredMethods()) {
            if (c.isConstructor() && c.isPublic()) {
                for (List<String> shape : DenialExceptionRule.CONSTRUCTORS) {
                    if (takes(c, shape)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean isUnchecked(TypeDescription type) {
        TypeDefinition t = type;
        while (t != null) {
            String name = t.asErasure().getName();
            if (name.equals("java.lang.RuntimeException")) {
                return true;
            }
            if (name.equals("java.lang.Object")) {
                return false;
            }
            t = t.getSuperClass();
        }
        return false;
    }

    private static boolean takes(MethodDescription c, List<String> types) {
        TypeList params = c.getParameters().asTypeList().asErasures();
        if (params.size() != types.size()) {
            return false;
        }
        for (int i = 0; i < types.size(); i++) {
            if (!params.get(i).getName().equals(types.get(i))) {
                return false;
            }
        }
        return true;
    }
}
