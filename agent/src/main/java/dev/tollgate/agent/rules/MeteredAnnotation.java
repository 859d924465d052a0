package dev.tollgate.agent.rules;

/**
 * The values of one {@code @Metered} as the class file has them, with the annotation's defaults for those
 * not written ({@code cost} 0: not given). An adapter may read them only when asked.
 *
 * <pre>{@code
 * @Metered(value = "render", cost = 2)   // feature() "render", cost() 2
 * }</pre>
 */
public interface MeteredAnnotation {

    /** The binary name of the annotation: {@code dev.tollgate.Metered}. */
    String TYPE = "dev.tollgate.Metered";

    /** {@code value}, as written (not trimmed); may be {@code null} or blank in a class file javac did not write. */
    String feature();

    /** {@code cost}; 0 when not given. */
    int cost();
}
