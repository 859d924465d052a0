/**
 * The metering runtime: {@link dev.tollgate.agent.meter.Metering} implements the bridge's gate,
 * charges each feature on its backend, applies the feature's failure policy, guards re-entrancy and
 * builds the denial exception.
 */
package dev.tollgate.agent.meter;
