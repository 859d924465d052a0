package dev.tollgate.agent.rules;

import java.util.List;

/**
 * What {@link MeteringRules} needs to know of a class, read from its class file by an adapter of a bytecode
 * library (Byte Buddy's type descriptions for the agent and {@code check}, an ASM reader for the direct
 * weaving path), or written by hand in a test. Nothing here loads the class or needs a running agent.
 *
 * <p>An adapter may read lazily; every method may then throw what reading the class file throws. A class
 * file that is missing (a supertype not on the class path) is reported as {@link Missing} when it is
 * asked for its supertypes. Supertypes are described as seen from the subtype: their methods' parameter
 * types with the subtype's type arguments put in, then erased, so that {@code handle(String)} overrides
 * {@code handle(T)} of a {@code Handler<String>}.
 *
 * <pre>{@code
 * ClassShape shape = ...;   // e.g. instrument's TypeShape.of(typeDescription)
 * Decision d = MeteringRules.decide(shape, config.rules());
 * }</pre>
 */
public interface ClassShape {

    /** The binary name: {@code com.acme.Outer$Inner}. */
    String name();

    /** The package's name; {@code ""} for the default package. */
    String packageName();

    boolean isAnnotation();

    /** {@code @Metered} on the class itself, or {@code null}. */
    MeteredAnnotation metered();

    /** The methods the class declares (constructors and static initializers included), in class file order. */
    List<? extends MethodShape> methods();

    /** The superclass, or {@code null} (for {@code java.lang.Object}, interfaces, or an adapter that shows none). */
    ClassShape superClass();

    /** The interfaces the class names directly; empty when none (or the adapter shows none). */
    List<? extends ClassShape> interfaces();

    /** A class file that cannot be found: only its name is known (a subtype's class file names it). */
    final class Missing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String name;

        public Missing(String name, Throwable cause) {
            super("class file not found: " + name, cause);
            this.name = name;
        }

        /** The binary name of the class whose class file is missing; may be {@code null} when unknown. */
        public String name() {
            return name;
        }
    }
}
