/**
 * The command line ({@code usage}, {@code close}, {@code topup}) on picocli: options, the token's source,
 * output formats, the progress bar, and one line per failure. Data flows cli -> billing -> api.
 */
package dev.tollgate.vendor.cli;
