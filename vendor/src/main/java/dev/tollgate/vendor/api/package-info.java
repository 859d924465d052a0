/**
 * The Cryptolens Web API as the vendor tool calls it: {@link dev.tollgate.vendor.api.WebApi} (reads tried
 * again with {@link dev.tollgate.vendor.api.Backoff}, writes sent once), the paged key listing
 * ({@link dev.tollgate.vendor.api.Keys}) and what comes back ({@link dev.tollgate.vendor.api.KeyData}).
 * The protocol facts it relies on are in {@code testkit/PROTOCOL.md}.
 */
package dev.tollgate.vendor.api;
