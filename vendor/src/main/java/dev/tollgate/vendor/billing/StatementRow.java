package dev.tollgate.vendor.billing;

/**
 * One line of a period's statement: what one feature of one key used and what was billed.
 *
 * <pre>{@code
 * new StatementRow("AAAAA-BBBBB-CCCCC-DDDDD", "render", 120, 120, Mode.RESET, "closed")
 * }</pre>
 *
 * @param read the counter value read at the close
 * @param billed the units billed for the period
 * @param status {@code closed} (by this run), {@code already closed} (by an earlier run) or {@code dry run}
 */
public record StatementRow(String key, String feature, int read, int billed, Mode mode, String status) {
}
