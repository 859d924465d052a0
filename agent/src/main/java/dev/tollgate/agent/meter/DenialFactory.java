package dev.tollgate.agent.meter;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.DenialExceptionRule;
import dev.tollgate.agent.log.Log;

/**
 * Builds the exception a denied call throws: {@link UsageDeniedException}, or the class configured for
 * the feature, loaded through the class loader of the metered class. The configured class needs a
 * public constructor taking a {@code UsageDeniedException} (a subclass calling {@code super(denial)} is a
 * copy of the denial, without a cause), a {@code (String, Throwable)} pair (the denial is passed as the
 * cause) or a {@code String} (the denial is made the cause unless the constructor set one).
 *
 * <p>A class that cannot serve in a metered class's loader (not found, checked, abstract, no usable
 * constructor) is found before the call is charged: {@link #refuse} denies the call as {@code MISCONFIGURED},
 * and says so once. A constructor that throws when a denial is built makes that denial a
 * {@code UsageDeniedException} whose reason is {@code MISCONFIGURED}, also reported once.
 */
final class DenialFactory {

    private final String className;
    private final String configKey;
    private final ClassLoader loader;
    private final Constructor<?> constructor;
    private final int shape;
    private final String problem;

    private static final int COPY = 0;
    private static final int MESSAGE_CAUSE = 1;
    private static final int MESSAGE = 2;

    private DenialFactory(String className, String configKey, ClassLoader loader, Constructor<?> constructor,
            int shape, String problem) {
        this.className = className;
        this.configKey = configKey;
        this.loader = loader;
        this.constructor = constructor;
        this.shape = shape;
        this.problem = problem;
    }

    /** Whether this factory was resolved for {@code host}'s class loader. */
    boolean servesLoaderOf(Class<?> host) {
        return loader == loaderOf(host);
    }

    static DenialFactory resolve(String className, String configKey, Class<?> host) {
        ClassLoader loader = loaderOf(host);
        String problem = check(className, loader);
        if (problem != null) {
            return new DenialFactory(className, configKey, loader, null, -1, problem);
        }
        try {
            Class<?> type = Class.forName(className, false, loader);
            Constructor<?> c = constructor(type, UsageDeniedException.class);
            if (c != null) {
                return new DenialFactory(className, configKey, loader, c, COPY, null);
            }
            c = constructor(type, String.class, Throwable.class);
            if (c != null) {
                return new DenialFactory(className, configKey, loader, c, MESSAGE_CAUSE, null);
            }
            c = constructor(type, String.class);
            return new DenialFactory(className, configKey, loader, c, MESSAGE, null);
        } catch (Throwable t) {
            return new DenialFactory(className, configKey, loader, null, -1, "cannot be loaded: " + t);
        }
    }

    /**
     * Why {@code className} cannot serve as a denial exception in {@code loader}, or {@code null} when
     * it can. Loads (but does not initialise) the class.
     */
    private static String check(String className, ClassLoader loader) {
        if (Config.DEFAULT_EXCEPTION.equals(className)) {
            return null;
        }
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return "class " + className + " not found";
        }
        int modifiers = type.getModifiers();
        return DenialExceptionRule.problem(className, RuntimeException.class.isAssignableFrom(type),
                Modifier.isAbstract(modifiers), Modifier.isPublic(modifiers),
                constructor(type, UsageDeniedException.class) != null
                        || constructor(type, String.class, Throwable.class) != null
                        || constructor(type, String.class) != null);
    }

    /** Why the class cannot serve in this factory's class loader, or {@code null} when it can. */
    String problem() {
        return problem;
    }

    /**
     * The denial of a call that was not charged because the class cannot serve ({@link #problem()} is not
     * null): {@code MISCONFIGURED}, naming the class, with one line on stderr naming the config line.
     */
    UsageDeniedException refuse(String feature, long units) {
        Log.errorOnce("exception:" + className + ":" + problem + ":" + describe(loader), configKey + ": " + className
                + " cannot be used: " + problem + " (as seen by " + describe(loader) + "); every call of '" + feature
                + "' from there is denied (misconfigured) until this is fixed");
        return new UsageDeniedException(feature, UsageDeniedException.Reason.MISCONFIGURED, units,
                UsageDeniedException.UNKNOWN, "denial exception " + className + ": " + problem);
    }

    /** The exception for {@code denial}. Never throws. */
    Throwable create(UsageDeniedException denial) {
        if (problem == null) {
            try {
                Object e;
                switch (shape) {
                    case COPY:
                        e = constructor.newInstance(denial);
                        break;
                    case MESSAGE_CAUSE:
                        e = constructor.newInstance(denial.getMessage(), denial);
                        break;
                    default:
                        e = constructor.newInstance(denial.getMessage());
                        Throwable t = (Throwable) e;
                        if (t.getCause() == null) {
                            t.initCause(denial);
                        }
                }
                return (Throwable) e;
            } catch (InvocationTargetException e) {
                return unbuildable(denial, "its constructor threw " + e.getCause());
            } catch (Throwable t) {
                return unbuildable(denial, "it cannot be built: " + t);
            }
        }
        return unbuildable(denial, problem);
    }

    private UsageDeniedException unbuildable(UsageDeniedException denial, String why) {
        String message = configKey + ": " + className + " cannot be used: " + why + " (as seen by "
                + describe(loader) + ")";
        Log.errorOnce("exception:" + className + ":" + why, message + "; denials of '" + denial.getFeature()
                + "' throw UsageDeniedException (misconfigured) instead");
        return new UsageDeniedException(denial.getFeature(), UsageDeniedException.Reason.MISCONFIGURED,
                denial.getUnitsRequested(), denial.getUnitsLeft(), "denial exception " + className + ": " + why);
    }

    private static Constructor<?> constructor(Class<?> type, Class<?>... parameters) {
        try {
            Constructor<?> c = type.getConstructor(parameters);
            return Modifier.isPublic(c.getModifiers()) ? c : null;
        } catch (NoSuchMethodException | SecurityException e) {
            return null;
        }
    }

    private static ClassLoader loaderOf(Class<?> host) {
        ClassLoader l = host == null ? null : host.getClassLoader();
        return l != null ? l : ClassLoader.getSystemClassLoader();
    }

    private static String describe(ClassLoader loader) {
        return loader == ClassLoader.getSystemClassLoader() ? "the system class loader" : "class loader " + loader;
    }
}
