/**
 * The configuration: {@link dev.tollgate.agent.config.ConfigLoader} finds and reads the YAML file and
 * turns every mistake into a located {@link dev.tollgate.agent.config.Problem}; the result is an
 * immutable {@link dev.tollgate.agent.config.Config}.
 */
package dev.tollgate.agent.config;
