/**
 * Weaving: Byte Buddy and ASM live here and nowhere else. The pre-filter that passes over most classes
 * unparsed ({@code ClassPeek}, {@code Ancestry}); the two readers that describe a class file for the rules
 * ({@code TypeShape} over Byte Buddy's type pools, {@code ClassFileShape} over ASM); the two weavers, which
 * only write the advice into what {@link dev.tollgate.agent.rules.MeteringRules} decided
 * ({@code DirectWeaver} with ASM, the Byte Buddy agent builder of {@link dev.tollgate.agent.instrument.Installer}
 * with {@code MeteredAdvice}); retransforming the classes loaded before an attach
 * ({@link dev.tollgate.agent.instrument.LoadedClasses}, by the transformer's own pre-filter); and the
 * class-file reading that {@code check} needs ({@link dev.tollgate.agent.instrument.ClassFiles},
 * {@link dev.tollgate.agent.instrument.ExceptionTypes}). Only the wiring ({@code boot}) and the commands
 * ({@code cli}) depend on this package.
 */
package dev.tollgate.agent.instrument;
