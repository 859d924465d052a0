package dev.tollgate.agent.boot;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.agent.bridge.Bridge;
import dev.tollgate.agent.bridge.Gate;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.log.Log;
import dev.tollgate.agent.site.Site;
import dev.tollgate.agent.site.Sites;
import dev.tollgate.agent.site.WovenStamp;
import dev.tollgate.agent.site.WovenTable;

/**
 * The runtime for classes woven at build time: the first metered call of each woven class registers the class's
 * sites here ({@link #sites}), which starts the runtime once per JVM when no agent did: it reads the config as
 * the agent does (no agent argument: {@code -Dtollgate.config}, {@code TOLLGATE_CONFIG}, {@code ./tollgate.yml}),
 * builds the same {@link Wiring} and makes it the bridge's gate, with no transformer. Under {@code -javaagent}
 * (or {@code Launcher-Agent-Class}, or after an attach) the agent's runtime is used instead, so a woven class is
 * charged by the one runtime, once.
 *
 * <pre>{@code
 * // what a woven class does at its first metered call (WovenMembers writes it):
 * int[] ids = SelfStart.sites(Reports.class, "tollgate-weave/1", "export\t0\tcom.acme.Reports\t...");
 * Object token = Bridge.enter(ids[0], Reports.class);
 * }</pre>
 *
 * A runtime that cannot start (it threw) makes the bridge's gate one that denies every call with the reason in
 * one line; a class whose stamp this runtime cannot check gets sites that are denied the same way. It never
 * throws: woven code calls it.
 */
public final class SelfStart {

    /** The sites of the runtime every woven class registers with; set once, under the lock. */
    private static volatile Sites sites;
    /** Why woven classes are denied when {@link #sites} stays {@code null}. */
    private static volatile String unreachable;
    private static volatile boolean decided;

    private SelfStart() {
    }

    /**
     * Registers the metered methods of a woven class ({@code table}: {@link WovenTable}) and returns their site
     * ids by index, starting the runtime first if none runs.
     */
    public static int[] sites(Class<?> host, String stamp, String table) {
        try {
            Sites registry = runtime();
            if (registry == null) {
                return Refusing.register(table, unreachable);
            }
            String problem = WovenStamp.read(stamp).problem();
            if (problem != null) {
                return Refusing.register(table, host.getName() + " is denied: " + problem);
            }
            return WovenTable.register(table, registry);
        } catch (Throwable t) {
            return Refusing.register(table, "the metered methods of " + host.getName() + " could not be registered: "
                    + t);
        }
    }

    private static Sites runtime() {
        if (decided) {
            return sites;
        }
        synchronized (SelfStart.class) {
            if (!decided) {
                Wiring running = Running.wiring();
                sites = running != null ? running.sites() : start();
                decided = true;
            }
            return sites;
        }
    }

    /** Starts the runtime here, as the agent would but without a transformer; a failure denies every call. */
    private static Sites start() {
        if (Running.isRunning() || Bridge.isInstalled()) {
            // Started, but failed or not reachable from here: the bridge's gate is not this copy's to replace.
            unreachable = "the Tollgate runtime of this JVM failed to start or runs in another class loader (see the"
                    + " lines above); put tollgate-agent.jar on the class path once";
            return null;
        }
        try {
            Config config = Startup.load(null);
            Wiring wiring = Wiring.of(config);
            Startup.publishBalances(wiring.metering());
            wiring.installBridge();
            String summary = Startup.settle(wiring, "; started by woven classes, no -javaagent");
            Running.started(Startup.Way.WOVEN.how, config.source(), summary, wiring);
            return wiring.sites();
        } catch (Throwable t) {
            String why = "the Tollgate runtime failed to start, every metered call is denied: " + t;
            Log.error(why);
            Running.failed(t);
            return Refusing.sites(why);
        }
    }

    /** A gate that denies every call of its sites with one reason: the runtime could not start or register. */
    static final class Refusing implements Gate, Sites.Listener {
        private final Sites sites = new Sites();
        private final String why;

        private Refusing(String why) {
            this.why = why;
            sites.listen(this);
        }

        /** Becomes the bridge's gate (no runtime runs) and returns its sites. */
        static Sites sites(String why) {
            Refusing gate = new Refusing(why);
            Bridge.install(gate);
            return gate.sites;
        }

        /**
         * Site ids that a runtime which runs does not know for {@code table}: registered in a registry of their
         * own, and denied by the runtime as unknown sites. Reported once.
         */
        static int[] register(String table, String why) {
            Log.errorOnce(why, why);
            Refusing own = new Refusing(why);
            int[] ids = WovenTable.register(table, own.sites);
            for (int i = 0; i < ids.length; i++) {
                ids[i] = -1 - ids[i]; // no runtime's site: the bridge denies it
            }
            return ids;
        }

        @Override
        public void registered(Site site) {
            // Every site is denied; nothing to prepare.
        }

        @Override
        public Object enter(int site, Class<?> host) {
            Site s = sites.get(site);
            return new UsageDeniedException(s == null ? "site " + site : s.feature(),
                    UsageDeniedException.Reason.MISCONFIGURED, s == null ? 0 : s.cost(), UsageDeniedException.UNKNOWN,
                    why);
        }

        @Override
        public void exit(int site, Object token, Throwable thrown) {
            // enter never lets a call through
        }
    }
}
