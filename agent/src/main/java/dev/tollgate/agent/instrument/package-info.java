/**
 * Byte Buddy lives here and nowhere else: the pre-filter, the matcher that finds metered methods,
 * the advice, and the installer. Nothing depends on this package.
 */
package dev.tollgate.agent.instrument;
