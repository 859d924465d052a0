/**
 * The metering runtime: {@link dev.tollgate.agent.meter.Metering} implements the bridge's gate,
 * charges each feature on its backend, applies the feature's failure policy, guards re-entrancy and
 * builds the denial exception. A {@code strict} feature is charged by {@code FeatureMeter}, one backend step
 * per call; a {@code leased} or {@code batched} one by its {@code Allowance}, from the journal, with an
 * {@code Account} ({@code LocalAccount} for the local ledger's grants, {@code RemoteAccount} for plain
 * counters) that gets more units and confirms what was served, on the {@code Syncer} thread.
 */
package dev.tollgate.agent.meter;
