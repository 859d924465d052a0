/**
 * The configuration, as the data flows: {@link dev.tollgate.agent.config.ConfigLoader} finds the file
 * ({@code ConfigFile}: agent argument, {@code -Dtollgate.config}, {@code TOLLGATE_CONFIG}, {@code ./tollgate.yml})
 * and the vendor's pinned config ({@link dev.tollgate.agent.config.PinnedConfig}, laid under the customer's file
 * by {@code Pinning} and {@code Overlay}); {@code Values} reads typed values and turns every mistake into a
 * located {@link dev.tollgate.agent.config.Problem}; one binder per section ({@code LocalBinder},
 * {@code CryptolensBinder}, {@code FeaturesBinder}, {@code RetrofitBinder}, {@code JournalBinder},
 * {@code DeniedBinder}, {@code LogBinder}, run by {@code ConfigBinder}) builds the immutable
 * {@link dev.tollgate.agent.config.Config}. {@link dev.tollgate.agent.config.CryptolensSettings} is the one model
 * of the {@code cryptolens:} section, which the Cryptolens backend consumes. No backend is imported here.
 */
package dev.tollgate.agent.config;
