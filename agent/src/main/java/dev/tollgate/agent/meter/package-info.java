/**
 * The metering runtime: {@link dev.tollgate.agent.meter.Metering} implements the bridge's gate, resolves each
 * site once (its feature's {@code Charge}, its cost, its refund policy, its denial exception: a {@code SiteMeter}),
 * guards re-entrancy and builds the denial exception. Each feature has one {@code Charge}, chosen at its first
 * site: {@code JournaledCharge} for {@code leased} and {@code batched} (from the journal, with an {@code Account},
 * {@code LocalAccount} for the local ledger's grants or {@code RemoteAccount} for plain counters, that gets more
 * units and confirms what was served on the {@code Syncer} thread), {@code StrictCharge} for {@code strict} (one
 * backend step per call) and {@code MisconfiguredCharge} for a feature that cannot be trusted. A charge answers
 * with a {@code Verdict}: go, go uncharged, or a denial; the direction-dependent arithmetic is the backend's
 * {@code Counter}'s.
 */
package dev.tollgate.agent.meter;
