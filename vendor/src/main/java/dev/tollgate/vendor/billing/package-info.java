/**
 * The vendor's billing: {@link dev.tollgate.vendor.billing.Closing} (the end-of-period close) and
 * {@link dev.tollgate.vendor.billing.Topup}. Each works key by key: a pure decision reads what the key holds
 * (its counter and the sealed records this tool keeps on it) and names the one next step; a runner does it
 * and reads again, so that a rerun, a crash or a lost answer never bills, resets or tops up twice.
 */
package dev.tollgate.vendor.billing;
