/**
 * The journal: per process and counter, the units served that the backend has not confirmed yet, in a
 * memory-mapped file with one slot per thread, so that a metered call records its charge with a plain store
 * and kill -9 loses nothing. Used by {@code meter}'s leased and batched strategies.
 */
package dev.tollgate.agent.journal;
