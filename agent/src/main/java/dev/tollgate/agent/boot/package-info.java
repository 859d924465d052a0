/**
 * Starting the agent in a JVM: {@link dev.tollgate.agent.boot.Startup} reads the config and builds the
 * {@link dev.tollgate.agent.boot.Wiring} (backend, metering runtime, sites, retrofit rules, transformer),
 * which the in-process tests reuse; {@link dev.tollgate.agent.boot.BootstrapJar} puts the bridge on the
 * bootstrap class path first; {@link dev.tollgate.agent.boot.Warmup} warms the first metered class's path
 * on a background thread; {@link dev.tollgate.agent.boot.Running} publishes what a start did for the
 * {@code attach} command. Everything here runs once per JVM, never on a metered call.
 */
package dev.tollgate.agent.boot;
