/**
 * The seam between host code and the agent: {@link dev.tollgate.agent.bridge.Bridge} is called by
 * inlined advice, delegates to a {@link dev.tollgate.agent.bridge.Gate}, uses only JDK types and
 * never throws. It is appended to the bootstrap class path so that every class loader sees one copy.
 */
package dev.tollgate.agent.bridge;
