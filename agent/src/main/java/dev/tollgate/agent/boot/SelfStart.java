package dev.tollgate.agent.boot;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.agent.bridge.Bridge;
import dev.tollgate.agent.bridge.Gate;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.grant.GrantKeys;
import dev.tollgate.agent.log.Log;
import dev.tollgate.agent.site.Site;
import dev.tollgate.agent.site.Sites;
import dev.tollgate.agent.site.WovenStamp;
import dev.tollgate.agent.site.WovenTable;

/**
 * The runtime for classes woven at build time: the first metered call of each woven class registers the class's
 * sites here ({@link #sites}), which starts the runtime once per JVM when no agent did: it reads the config as
 * the agent does (no agent argument: {@code -Dtollgate.config}, {@code TOLLGATE_CONFIG}, {@code ./tollgate.yml}),
 * builds the same {@link Wiring} and makes it the bridge's gate, with no transformer. The pinned config must have
 * the digest the first woven class records ({@link WovenStamp#configDigest()}), and every woven class that records
 * another digest than the pinned config in use (or one when none is in use) is denied; a recorded grant-key
 * digest is handed to {@link GrantKeys#expect}, so a replaced key takes no grants. Under {@code -javaagent}
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
            WovenStamp woven = WovenStamp.read(stamp);
            GrantKeys.expect(woven.grantKeyDigest()); // before any grant is taken: TopUps asks GrantKeys
            Sites registry = runtime(woven.configDigest());
            if (registry == null) {
                return Refusing.register(table, unreachable);
            }
            String problem = woven.problem();
            if (problem == null) {
                Wiring running = Running.wiring();
                problem = configMismatch(woven.configDigest(), running == null ? null : running.config());
            }
            if (problem != null) {
                return Refusing.register(table, host.getName() + " is denied: " + problem);
            }
            return WovenTable.register(table, registry);
        } catch (Throwable t) {
            return Refusing.register(table, "the metered methods of " + host.getName() + " could not be registered: "
                    + t);
        }
    }

    /**
     * Why a class woven with the pinned config {@code recorded} (or none) must be denied by the runtime whose
     * config is {@code inUse}, or {@code null}: it names a digest the pinned config in use does not have. A runtime
     * whose config has problems denies every call already.
     */
    static String configMismatch(String recorded, Config inUse) {
        if (recorded == null || inUse == null || !inUse.isValid()) {
            return null;
        }
        String pinned = inUse.pinnedDigest();
        if (pinned == null) {
            return "it was woven with the pinned config " + recorded + ", but the runtime uses no pinned config ("
                    + inUse.source() + "); run the product's jar as shipped";
        }
        if (!pinned.equalsIgnoreCase(recorded.trim())) {
            return "it was woven with the pinned config " + recorded + ", but the runtime uses " + pinned + " ("
                    + inUse.source() + "): an edited pinned config is never used; reinstall the product";
        }
        return null;
    }

    /** The runtime's sites, started first (its pinned config checked against {@code configDigest}) if none runs. */
    private static Sites runtime(String configDigest) {
        if (decided) {
            return sites;
        }
        synchronized (SelfStart.class) {
            if (!decided) {
                Wiring running = Running.wiring();
                sites = running != null ? running.sites() : start(configDigest);
                decided = true;
            }
            return sites;
        }
    }

    /** Starts the runtime here, as the agent would but without a transformer; a failure denies every call. */
    private static Sites start(String configDigest) {
        if (Running.isRunning() || Bridge.isInstalled()) {
            // Started, but failed or not reachable from here: the bridge's gate is not this copy's to replace.
            unreachable = "the Tollgate runtime of this JVM failed to start or runs in another class loader (see the"
                    + " lines above); put tollgate-agent.jar on the class path once";
            return null;
        }
        try {
            Config config = Startup.load(null, configDigest);
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
