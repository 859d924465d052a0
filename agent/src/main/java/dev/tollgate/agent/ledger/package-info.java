/**
 * The embedded {@code local} backend: {@link dev.tollgate.agent.ledger.LocalLedger}, counters in
 * crash-safe files shared by threads and processes.
 */
package dev.tollgate.agent.ledger;
