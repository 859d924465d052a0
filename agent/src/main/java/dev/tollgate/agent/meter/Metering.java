package dev.tollgate.agent.meter;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Counter;
import dev.tollgate.agent.backend.Grants;
import dev.tollgate.agent.bridge.Gate;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.Feature;
import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.log.Log;
import dev.tollgate.agent.site.Site;
import dev.tollgate.agent.site.Sites;

/**
 * The metering runtime behind the {@link Gate}: for each call of a site, charge its feature once per
 * outermost call on the thread, or build the denial.
 *
 * <p>Re-entrancy: a call that reaches a feature again on the same thread while an earlier call of that
 * feature is still running ({@code super.export()} in an override, a metered method calling another of
 * the same feature) is not charged again. Different features are charged separately.
 *
 * <pre>{@code
 * Metering metering = new Metering(config, backend);
 * sites.listen(metering);
 * Bridge.install(metering);
 * }</pre>
 */
public final class Metering implements Gate, Sites.Listener {

    private final Config config;
    private final Backend backend;
    private final String broken;
    /** Each feature's charge, chosen at its first site (or balance) and kept: the one strategy of its sites. */
    private final Map<String, Charge> charges = new HashMap<>();
    private volatile SiteMeter[] bySite = new SiteMeter[16];
    /**
     * A flag in a feature's per-thread depth: the outermost call runs without a charge (backend down,
     * {@code onBackendFailure: allow}), so it has nothing to refund.
     */
    private static final int UNCHARGED = 1 << 30;
    private final Syncer syncer = new Syncer();
    /** Set by {@link #close}, guarded by {@link #charges}: no journal is opened for settling after it. */
    private boolean closed;

    /**
     * @param config a config; when it has problems every call is denied as misconfigured
     * @param backend where counters live; may be {@code null} when the config has problems
     */
    public Metering(Config config, Backend backend) {
        this.config = config;
        this.backend = backend;
        this.broken = config.isValid() ? null : "the Tollgate config " + config.source() + " has "
                + config.problems().size() + " problem(s), printed at startup";
    }

    /**
     * Resolves a new site once: its feature's charge, its cost (the site's, or the feature's when it gave none),
     * its refund policy and its denial exception. An unknown feature is reported once and denied.
     */
    @Override
    public void registered(Site site) {
        Charge charge = charge(site);
        Feature f = broken == null ? config.features().get(site.feature()) : null;
        String exception = broken != null ? Config.DEFAULT_EXCEPTION : config.exceptionFor(f);
        put(new SiteMeter(site, site.feature(), charge, site.costOr(f == null ? 1 : f.cost()),
                f != null && f.refundsOnException(), exception, config.exceptionKeyFor(f)));
        Log.debug("metering " + site);
    }

    private void put(SiteMeter meter) {
        Site site = meter.site;
        synchronized (this) {
            SiteMeter[] table = bySite;
            if (site.id() >= table.length) {
                SiteMeter[] grown = new SiteMeter[Math.max(table.length * 2, site.id() + 1)];
                System.arraycopy(table, 0, grown, 0, table.length);
                table = grown;
            }
            table[site.id()] = meter;
            bySite = table;
        }
    }

    /*
     * enter and exit run around every metered call: their common path is kept to a few field reads, one
     * look into the feature's table of threads (CallsByThread), the charge and one field store, and
     * everything rare is in methods of its own, so that the JIT inlines the whole path into the host's
     * method. enter hands the thread's Calls of the feature to exit as the call's token, so exit looks
     * nothing up.
     */

    @Override
    public Object enter(int site, Class<?> host) {
        SiteMeter m = meter(site);
        if (m == null) {
            return unknownSite(site);
        }
        Thread me = Thread.currentThread();
        Calls c = m.calls[CallsByThread.index(me)];
        if (c == null || c.owner != me) {
            c = m.byThread.get(me);
        }
        if (c.depth > 0) {
            c.depth++;
            return c;
        }
        JournaledCharge j = m.journaled;
        if (j == null) {
            return chargeOnce(m, c, host);
        }
        Verdict v;
        try {
            v = j.charge(c, m.cost); // a direct call to the final class keeps the path inlinable
        } catch (Throwable failure) {
            v = internalError(m, failure);
        }
        if (v == Verdict.GO) {
            c.depth = 1;
            return c;
        }
        return decided(m, c, v, host);
    }

    /** The rest of {@link #enter} for a site not journaled, or not verified yet: verify it, then charge it. */
    private Object chargeOnce(SiteMeter site, Calls c, Class<?> host) {
        SiteMeter m = site;
        if (!m.verified) {
            // Its first call: a denial exception that cannot be built here denies every call, uncharged.
            Throwable refused = m.refusal(host);
            if (refused != null) {
                return refused;
            }
            m = m.verified();
            put(m);
        }
        Verdict v;
        try {
            v = m.charge.charge(c, m.cost);
        } catch (Throwable failure) {
            v = internalError(m, failure);
        }
        return decided(m, c, v, host);
    }

    /** The call's token when it goes, charged or not; else its denial. */
    private static Object decided(SiteMeter m, Calls c, Verdict v, Class<?> host) {
        if (v == Verdict.GO) {
            c.depth = 1;
            return c;
        }
        if (v == Verdict.GO_UNCHARGED) {
            c.depth = 1 | UNCHARGED; // runs, but there is nothing to give back if it throws
            return c;
        }
        return m.denial(v, host);
    }

    private static Throwable unknownSite(int site) {
        return new UsageDeniedException("site " + site, UsageDeniedException.Reason.MISCONFIGURED, 0,
                UsageDeniedException.UNKNOWN, "unknown metered site (internal error)");
    }

    private static Verdict internalError(SiteMeter m, Throwable failure) {
        Log.errorOnce("charge:" + failure.getClass().getName(), "internal error while charging '" + m.feature
                + "': " + failure + "; the call is denied");
        return Verdict.denied(UsageDeniedException.Reason.MISCONFIGURED, -1, "internal error in the Tollgate agent");
    }

    @Override
    public void exit(int site, Object token, Throwable thrown) {
        if (!(token instanceof Calls)) {
            return; // not a call this runtime let in
        }
        Calls c = (Calls) token;
        int depth = c.depth - 1;
        if (depth == 0 && thrown == null) {
            c.depth = 0; // the common case: the outermost call returned
        } else if (depth >= 0) {
            exited(site, c, depth, thrown);
        }
    }

    /** The rest of {@link #exit}: a nested call, an uncharged one, or a charged one that threw. */
    private void exited(int site, Calls c, int depth, Throwable thrown) {
        if (depth == UNCHARGED) {
            c.depth = 0; // the outermost call ended; it was not charged
            return;
        }
        c.depth = depth;
        SiteMeter m = meter(site);
        if (depth == 0 && thrown != null && m != null && m.refunds) {
            // The outermost call of the feature, the one that was charged, ended by throwing.
            m.charge.refund(c, m.cost);
        }
    }

    /** For {@code Tollgate.balance}: credits left or units used, when the feature is known and readable. */
    public OptionalLong balance(String feature) {
        Charge charge;
        synchronized (charges) {
            charge = charges.get(feature);
        }
        if (charge == null) {
            if (broken != null || !config.features().containsKey(feature)) {
                return OptionalLong.empty();
            }
            charge = charge(feature);
        }
        return charge.balance();
    }

    /** Names of features used by sites so far that the config does not define. */
    public List<String> unconfiguredFeatures() {
        List<String> names = new ArrayList<>();
        synchronized (charges) {
            for (String name : charges.keySet()) {
                if (!config.features().containsKey(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private SiteMeter meter(int site) {
        SiteMeter[] table = bySite;
        return site >= 0 && site < table.length ? table[site] : null;
    }

    /**
     * At shutdown: stops the sync thread, then confirms and settles every journal. Calls that come after are
     * still charged, strictly through what is left. Never throws.
     */
    public void close() {
        syncer.stop();
        List<Charge> all;
        synchronized (charges) {
            closed = true;
            all = new ArrayList<>(charges.values());
        }
        for (Charge charge : all) {
            charge.close();
        }
    }

    /**
     * Shortly after start ({@value EndedJournals#SETTLE_AFTER_MILLIS} ms), on the sync thread: settles what processes
     * that ended (kill -9, a crash) left in the journals of every journaled feature, also of features this run never
     * calls (see {@link EndedJournals}). Returns at once; does nothing when the config has problems or no feature is
     * journaled.
     *
     * <pre>{@code
     * Bridge.install(metering);
     * metering.settleEndedSoon();
     * }</pre>
     */
    public void settleEndedSoon() {
        settleEndedAfter(EndedJournals.SETTLE_AFTER_MILLIS);
    }

    /** {@link #settleEndedSoon}, after {@code delayMillis}. */
    void settleEndedAfter(long delayMillis) {
        if (broken != null || backend == null) {
            return;
        }
        List<Feature> journaled = new ArrayList<>();
        for (Feature f : config.features().values()) {
            if (f.sync().journaled()) {
                journaled.add(f);
            }
        }
        if (!journaled.isEmpty()) {
            syncer.once(delayMillis, new EndedJournals(this, journaled));
        }
    }

    /** The feature's charge, made as its first site would make it; {@code null} once {@link #close} began. */
    Charge chargeUnlessClosed(String feature) {
        synchronized (charges) {
            return closed ? null : charge(feature);
        }
    }

    /** The journal of a journaled feature once it has one (for tests that end a process without settling). */
    Journal journalOf(String feature) {
        Charge charge;
        synchronized (charges) {
            charge = charges.get(feature);
        }
        return charge == null ? null : charge.journal();
    }

    /**
     * One thread's calls of one feature: how deep they are (0: none running; the outermost is the charged one),
     * and the thread's slot in the feature's journal. Handed from {@link #enter} to {@link #exit} as the call's
     * token. Only its thread touches it.
     */
    static final class Calls {
        /** The thread these calls are on. */
        final Thread owner;
        int depth;
        Journal.Slot slot;
        /**
         * Credits this thread took from what its process holds, for its next calls: spent with no
         * compare-and-set (see {@link JournaledCharge}). Read and written by the owner only.
         */
        long share;
        /** The extra credits this thread took with its last share, and when ({@code nanoTime}). */
        long shareSize;
        long shareAt;

        Calls(Thread owner) {
            this.owner = owner;
        }
    }

    /** Each thread's {@link Calls} of one feature. A named class rather than a lambda, for startup. */
    static final class CallsOnThread extends ThreadLocal<Calls> {
        @Override
        protected Calls initialValue() {
            return new Calls(Thread.currentThread());
        }
    }

    private Charge charge(Site site) {
        synchronized (charges) {
            if (!charges.containsKey(site.feature()) && broken == null
                    && !config.features().containsKey(site.feature())) {
                Log.error(site.origin() + " on " + site.describe() + " names feature '" + site.feature()
                        + "', which is not under features: in " + config.source() + "; its calls are denied "
                        + "(misconfigured) until the config names it");
            }
        }
        return charge(site.feature());
    }

    /** The feature's charge, chosen here once: misconfigured, journaled or strict. */
    private Charge charge(String name) {
        synchronized (charges) {
            Charge charge = charges.get(name);
            if (charge != null) {
                return charge;
            }
            Feature f = config.features().get(name);
            if (broken != null) {
                charge = new MisconfiguredCharge(broken);
            } else if (f == null) {
                charge = new MisconfiguredCharge("feature '" + name + "' is not configured in " + config.source());
            } else if (f.sync().journaled()) {
                // Its refunds are local; only calls after the journal was settled at exit refund strictly, once.
                charge = new JournaledCharge(name, f, account(f), config.journal(), syncer, strict(f, null));
            } else {
                Refunds refunds = f.refundsOnException()
                        ? new Refunds(name, backend, Charge.counterOf(f), syncer) : null;
                charge = strict(f, refunds);
            }
            charges.put(name, charge);
            return charge;
        }
    }

    private StrictCharge strict(Feature f, Refunds refunds) {
        return new StrictCharge(f.name(), Charge.counterOf(f), backend, f.onBackendFailure() == Feature.OnFailure.ALLOW,
                refunds);
    }

    /** Where a journaled feature gets its units: grants kept with the counter (the local ledger), else plain steps. */
    Account account(Feature f) {
        Counter counter = Charge.counterOf(f);
        Grants grants = backend.grants();
        return grants != null ? new LocalAccount(grants, backend, counter)
                : new RemoteAccount(backend, journalDir(), f.name(), counter);
    }

    /** Whether the backend records grants with its counters (the local ledger). */
    boolean backendKeepsGrants() {
        return backend.grants() != null;
    }

    /** Where the journals of every journaled feature are: the ledger's journal folder, else {@link #journalDir}. */
    Path journalFolder() {
        Grants grants = backend.grants();
        return grants != null ? grants.journalDir() : journalDir();
    }

    /** Where journals of a backend without its own folder go: {@code journal.dir}, else under the user's home. */
    private Path journalDir() {
        Path dir = config.journal().dir();
        return dir != null ? dir : Paths.get(System.getProperty("user.home"), ".tollgate", "journal",
                backend.journalScope() == null ? "default" : backend.journalScope());
    }

    /** The denial's stack trace starts at the metered method, not inside the agent. */
    static <T extends Throwable> T withoutAgentFrames(T t) {
        StackTraceElement[] frames = t.getStackTrace();
        int first = 0;
        while (first < frames.length && isAgentFrame(frames[first])) {
            first++;
        }
        if (first > 0 && first < frames.length) {
            StackTraceElement[] trimmed = new StackTraceElement[frames.length - first];
            System.arraycopy(frames, first, trimmed, 0, trimmed.length);
            t.setStackTrace(trimmed);
        }
        return t;
    }

    private static boolean isAgentFrame(StackTraceElement frame) {
        String c = frame.getClassName();
        return c.startsWith("dev.tollgate.agent.") || c.startsWith("java.lang.reflect.")
                || c.startsWith("jdk.internal.reflect.") || c.startsWith("sun.reflect.");
    }
}
