/**
 * What a product compiles against to be sold by usage: {@link dev.tollgate.Metered} marks a paid
 * feature method, {@link dev.tollgate.UsageDeniedException} is what a denied call throws, and
 * {@link dev.tollgate.Tollgate} reads a feature's balance. The agent ({@code -javaagent:tollgate-agent.jar})
 * does the charging; without it the product runs unmetered.
 */
package dev.tollgate;
