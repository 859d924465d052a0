package dev.tollgate.agent.boot;

import java.lang.instrument.Instrumentation;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.bridge.Bridge;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.instrument.Installer;
import dev.tollgate.agent.meter.Metering;
import dev.tollgate.agent.rules.RetrofitRules;
import dev.tollgate.agent.site.Sites;

/**
 * The agent's parts for one config, connected as the agent runs them: the configured backend (none while the
 * config has problems: every metered call is then denied as misconfigured), the metering runtime, the site
 * registry that tells it about every new site, and the retrofit rules. {@link #install} puts them in front of
 * the host: the bridge's gate (and, in the background, the settling of journals that ended processes left), then
 * the transformer. {@code Startup} builds one per JVM; the in-process tests
 * build one per test, so that they run the agent as it is wired, not a copy of the wiring.
 *
 * <pre>{@code
 * Wiring wiring = Wiring.of(config);
 * Installer.Installation installed = wiring.install(instrumentation);
 * ...
 * wiring.close();   // at exit: settles the journals, then closes the backend
 * }</pre>
 */
public final class Wiring {

    private final Config config;
    private final Backend backend;
    private final Metering metering;
    private final Sites sites;
    private final RetrofitRules rules;

    private Wiring(Config config, Backend backend) {
        this.config = config;
        this.backend = backend;
        this.metering = new Metering(config, backend);
        this.sites = new Sites();
        sites.listen(metering);
        this.rules = new RetrofitRules(config.rules());
    }

    /** Builds the parts for {@code config}; nothing connects or touches the host yet. */
    public static Wiring of(Config config) {
        return new Wiring(config, config.isValid() ? Backends.of(config) : null);
    }

    /** As {@link #of(Config)}, on a backend the caller built (tests: a ledger whose witness is in a temp folder). */
    public static Wiring of(Config config, Backend backend) {
        return new Wiring(config, backend);
    }

    /**
     * Makes the metering runtime the bridge's gate and installs the transformer for classes loaded from now
     * on (classes loaded before are {@code LoadedClasses}' business).
     */
    public Installer.Installation install(Instrumentation instrumentation) {
        installBridge();
        return Installer.install(instrumentation, sites, rules);
    }

    /**
     * Makes the metering runtime the bridge's gate, without a transformer: for classes woven at build time, which
     * need no transformer ({@code SelfStart}). About a second later the sync thread settles what processes that
     * ended left in the journals, also of features this run never calls ({@link Metering#settleEndedSoon}).
     */
    public void installBridge() {
        Bridge.install(metering);
        metering.settleEndedSoon();
    }

    public Config config() {
        return config;
    }

    /** The configured backend, or {@code null} when the config has problems. */
    public Backend backend() {
        return backend;
    }

    public Metering metering() {
        return metering;
    }

    public Sites sites() {
        return sites;
    }

    public RetrofitRules rules() {
        return rules;
    }

    /** Confirms and settles the journals while the backend is still open, then closes it. */
    public void close() {
        metering.close();
        if (backend != null) {
            backend.close();
        }
    }
}
