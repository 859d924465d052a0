package dev.tollgate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a paid feature: every call is charged by the Tollgate agent before the method body runs.
 *
 * <pre>{@code
 * @Metered("export")                     // one unit of 'export' per call
 * public Report export(Query q) { ... }
 *
 * @Metered(value = "render", cost = 2)   // two units per call
 * public Image render(Chart c) { ... }
 * }</pre>
 *
 * <p>When the charge is denied (no credits left, cap reached, backend unavailable by policy,
 * misconfiguration), the body does not run and the caller gets {@link UsageDeniedException} or the
 * exception configured for the feature.
 *
 * <ul>
 *   <li>On a type, every public method declared by that type is metered, except {@code toString},
 *       {@code equals} and {@code hashCode}; a method's own {@code @Metered} wins over the type's.</li>
 *   <li>Overriding or implementing a metered method is metered too, so a subclass is not a way
 *       around the charge. A call that reaches the same feature again on the same thread (for
 *       example {@code super.export(q)} inside an override) is charged once.</li>
 *   <li>An abstract or interface method is metered in its implementations. Constructors cannot be
 *       metered (a constructor body cannot be skipped), and neither can native methods; the agent
 *       refuses both with a message.</li>
 * </ul>
 *
 * <p>Without the agent the annotation does nothing: the product runs unmetered.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Metered {

    /** The feature this call is charged to, as named under {@code features:} in the config. */
    String value();

    /**
     * Units charged per call, at least 1. Left out (0), the feature's {@code cost} from the config
     * applies, and 1 when the config names none. A negative cost is refused.
     */
    int cost() default 0;
}
