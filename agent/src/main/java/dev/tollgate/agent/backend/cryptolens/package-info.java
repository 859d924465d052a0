/**
 * The {@code cryptolens} backend: {@link dev.tollgate.agent.backend.cryptolens.CryptolensBackend} keeps
 * counters in data objects of the Cryptolens Web API, configured by
 * {@link dev.tollgate.agent.config.CryptolensSettings} (the one model of the {@code cryptolens:} section). The only package of the agent that
 * imports OkHttp and Jackson: {@code Wire} speaks HTTP and JSON, {@code Refusals} reads the service's
 * refusal texts, {@code Redactor} keeps the token out of every text.
 */
package dev.tollgate.agent.backend.cryptolens;
