/**
 * The backend SPI: {@link dev.tollgate.agent.backend.Backend} moves counters and answers with an
 * {@link dev.tollgate.agent.backend.Outcome}; it never throws. Strategies and failure policies live in
 * {@code dev.tollgate.agent.meter}, above this package.
 */
package dev.tollgate.agent.backend;
