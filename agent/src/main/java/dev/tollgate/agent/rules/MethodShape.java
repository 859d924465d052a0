package dev.tollgate.agent.rules;

import java.util.List;

/**
 * What {@link MeteringRules} needs to know of one declared method: see {@link ClassShape}.
 *
 * <pre>{@code
 * m.name();            // "export", "<init>", "<clinit>"
 * m.parameterTypes();  // ["java.lang.String", "int[]", "com.acme.Outer$Inner"]
 * }</pre>
 */
public interface MethodShape {

    /** {@code ACC_BRIDGE} of the class file format (compiler-made bridge methods). */
    int BRIDGE = 0x0040;
    /** {@code ACC_SYNTHETIC} of the class file format. */
    int SYNTHETIC = 0x1000;

    /** The name in the class file: {@code <init>} for constructors, {@code <clinit>} for static initializers. */
    String name();

    /** The descriptor in the class file: {@code (Ljava/lang/String;I)V}. */
    String descriptor();

    /**
     * The access flags of the class file ({@link java.lang.reflect.Modifier}'s values, with {@link #BRIDGE}
     * and {@link #SYNTHETIC}).
     */
    int modifiers();

    /** The erased parameter types as Java names: {@code java.lang.String}, {@code int[][]}, {@code a.B$C}. */
    List<String> parameterTypes();

    /** {@code @Metered} on the method, or {@code null}. */
    MeteredAnnotation metered();
}
