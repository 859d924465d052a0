/**
 * Which methods are metered, decided once: {@link dev.tollgate.agent.rules.MeteringRules} applies
 * {@code @Metered} (on the method, the class, or an overridden method) and the config's retrofit rules to a
 * {@link dev.tollgate.agent.rules.ClassShape}, and returns each metered method as one
 * {@link dev.tollgate.agent.rules.MeteredMethod} (feature, cost or none, origin), with the refusals. Every
 * weaver and {@code check} reads classes with its own bytecode library into shapes and asks here; this
 * package uses no bytecode library, no {@code Instrumentation} and no running agent, so a build-time weaver
 * can use it as it is. {@link dev.tollgate.agent.rules.RetrofitRules} records which rules matched a method.
 */
package dev.tollgate.agent.rules;
