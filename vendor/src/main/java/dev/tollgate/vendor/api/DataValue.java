package dev.tollgate.vendor.api;

/**
 * One key-level data object as the Web API lists it.
 *
 * <pre>{@code
 * DataValue render = new DataValue(17, "render", 120, null);
 * }</pre>
 */
public record DataValue(long id, String name, int intValue, String stringValue) {
}
