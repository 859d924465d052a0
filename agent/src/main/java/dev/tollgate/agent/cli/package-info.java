/**
 * {@code java -jar tollgate-agent.jar <command>}: {@link dev.tollgate.agent.cli.Cli} dispatches to
 * {@code check} (a dry run over jars: what a config would meter) and {@code attach} (loads the agent into a
 * running JVM). Runs in its own JVM, never inside a product.
 */
package dev.tollgate.agent.cli;
