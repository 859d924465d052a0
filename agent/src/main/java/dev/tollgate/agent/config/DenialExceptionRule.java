package dev.tollgate.agent.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What a configured denial exception ({@code exception:} in the config) must be, in one place for the two
 * checks that apply it: from class files at startup and by {@code check}, without loading anything, and by
 * reflection in the class loader of a metered class when a call is denied. It must be an unchecked, public,
 * concrete class with a public constructor taking {@code (UsageDeniedException)}, {@code (String, Throwable)}
 * or {@code (String)}.
 *
 * <pre>{@code
 * String problem = DenialExceptionRule.problem("com.acme.OutOfCredits", unchecked, isAbstract, isPublic, constructible);
 * if (problem != null) ... // "com.acme.OutOfCredits is abstract"
 * }</pre>
 */
public final class DenialExceptionRule {

    /** The constructor parameter lists that can carry a denial, in the order they are preferred. */
    public static final List<List<String>> CONSTRUCTORS = Collections.unmodifiableList(Arrays.asList(
            Collections.singletonList("dev.tollgate.UsageDeniedException"),
            Collections.unmodifiableList(Arrays.asList("java.lang.String", "java.lang.Throwable")),
            Collections.singletonList("java.lang.String")));

    private DenialExceptionRule() {
    }

    /**
     * Why a class with these properties cannot serve as the denial exception, or {@code null} when it can.
     *
     * @param constructible whether it has a public constructor taking one of {@link #CONSTRUCTORS}
     */
    public static String problem(String className, boolean unchecked, boolean isAbstract, boolean isPublic,
            boolean constructible) {
        if (!unchecked) {
            return className + " is not an unchecked exception (it must extend RuntimeException)";
        }
        if (isAbstract) {
            return className + " is abstract";
        }
        if (!isPublic) {
            return className + " is not public";
        }
        if (!constructible) {
            return className + " has no public constructor taking (UsageDeniedException), (String, Throwable) "
                    + "or (String)";
        }
        return null;
    }
}
