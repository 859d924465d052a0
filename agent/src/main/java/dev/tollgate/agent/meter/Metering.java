package dev.tollgate.agent.meter;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.agent.backend.Backend;
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
    private final Map<String, FeatureMeter> features = new HashMap<>();
    /** The allowance of each journaled feature, by name (guarded by {@link #features}), for {@link SiteMeter}. */
    private final Map<String, Allowance> allowances = new HashMap<>();
    private volatile SiteMeter[] bySite = new SiteMeter[16];
    /**
     * A flag in a feature's per-thread depth: the outermost call runs without a charge (backend down,
     * {@code onBackendFailure: allow}), so it has nothing to refund.
     */
    private static final int UNCHARGED = 1 << 30;
    private final Syncer syncer = new Syncer();

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

    /** Resolves a new site's feature; an unknown feature is reported once and denied. */
    @Override
    public void registered(Site site) {
        FeatureMeter feature = feature(site);
        Allowance allowance;
        synchronized (features) {
            allowance = allowances.get(feature.name);
        }
        // A feature that throws its own exception is checked in the site's class loader at its first call.
        boolean verified = Config.DEFAULT_EXCEPTION.equals(feature.exceptionClass);
        put(new SiteMeter(site, feature, feature.cost(site.cost()), allowance, verified));
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
            c = m.feature.calls.get(me);
        }
        if (c.depth > 0) {
            c.depth++;
            return c;
        }
        Allowance a = m.allowance;
        FeatureMeter.Denial denial;
        try {
            // A journaled feature's charge is its allowance's; calling it directly keeps the path inlinable.
            denial = a != null ? a.charge(c, m.cost) : FeatureMeter.STRICTLY;
        } catch (Throwable failure) {
            denial = internalError(m, failure);
        }
        if (denial == null) {
            c.depth = 1;
            return c;
        }
        return chargedOtherwise(m, c, denial, host);
    }

    /** The rest of {@link #enter}: a strict charge, a call allowed uncharged, or a denial. */
    private Object chargedOtherwise(SiteMeter site, Calls c, FeatureMeter.Denial first, Class<?> host) {
        FeatureMeter.Denial denial = first;
        SiteMeter m = site;
        if (!m.verified) {
            // Its first call: a denial exception that cannot be built here denies every call, uncharged.
            Throwable refused = m.refusal(host);
            if (refused != null) {
                return refused;
            }
            m = m.verified();
            put(m);
            if (m.allowance != null) {
                try {
                    denial = m.allowance.charge(c, m.cost);
                } catch (Throwable failure) {
                    denial = internalError(m, failure);
                }
                if (denial == null) {
                    c.depth = 1;
                    return c;
                }
            }
        }
        if (denial == FeatureMeter.STRICTLY) {
            try {
                denial = m.feature.charge(c, m.cost); // strict, or a journal closed at exit
            } catch (Throwable failure) {
                denial = internalError(m, failure);
            }
            if (denial == null) {
                c.depth = 1;
                return c;
            }
        }
        if (denial == FeatureMeter.UNCHARGED) {
            c.depth = 1 | UNCHARGED; // runs, but there is nothing to give back if it throws
            return c;
        }
        return m.denial(denial, host);
    }

    private static Throwable unknownSite(int site) {
        return new UsageDeniedException("site " + site, UsageDeniedException.Reason.MISCONFIGURED, 0,
                UsageDeniedException.UNKNOWN, "unknown metered site (internal error)");
    }

    private static FeatureMeter.Denial internalError(SiteMeter m, Throwable failure) {
        Log.errorOnce("charge:" + failure.getClass().getName(), "internal error while charging '" + m.feature.name
                + "': " + failure + "; the call is denied");
        return new FeatureMeter.Denial(UsageDeniedException.Reason.MISCONFIGURED, m.cost, -1,
                "internal error in the Tollgate agent");
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
        if (depth == 0 && thrown != null && m != null && m.feature.refundsOnException()) {
            // The outermost call of the feature, the one that was charged, ended by throwing.
            m.feature.refund(c, m.cost);
        }
    }

    /** For {@code Tollgate.balance}: credits left or units used, when the feature is known and readable. */
    public OptionalLong balance(String feature) {
        FeatureMeter f;
        synchronized (features) {
            f = features.get(feature);
        }
        if (f == null) {
            Feature configured = config.features().get(feature);
            if (configured == null || broken != null) {
                return OptionalLong.empty();
            }
            f = feature(feature);
        }
        return f.balance();
    }

    /** Names of features used by sites so far that the config does not define. */
    public List<String> unconfiguredFeatures() {
        List<String> names = new ArrayList<>();
        synchronized (features) {
            for (String name : features.keySet()) {
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
        List<FeatureMeter> all;
        synchronized (features) {
            all = new ArrayList<>(features.values());
        }
        for (FeatureMeter f : all) {
            f.close();
        }
    }

    /** The journal of a journaled feature once it has one (for tests that end a process without settling). */
    Journal journalOf(String feature) {
        FeatureMeter f;
        synchronized (features) {
            f = features.get(feature);
        }
        return f == null ? null : f.journal();
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

    private FeatureMeter feature(Site site) {
        synchronized (features) {
            FeatureMeter existing = features.get(site.feature());
            if (existing == null && broken == null && !config.features().containsKey(site.feature())) {
                Log.error(site.origin() + " on " + site.describe() + " names feature '" + site.feature()
                        + "', which is not under features: in " + config.source() + "; its calls are denied "
                        + "(misconfigured) until the config names it");
            }
        }
        return feature(site.feature());
    }

    private FeatureMeter feature(String name) {
        synchronized (features) {
            FeatureMeter f = features.get(name);
            if (f != null) {
                return f;
            }
            Feature configured = config.features().get(name);
            String exception = config.exceptionFor(configured);
            String exceptionKey = config.exceptionKeyFor(configured);
            if (broken != null) {
                f = FeatureMeter.denying(name, broken, Config.DEFAULT_EXCEPTION, exceptionKey);
            } else if (configured == null) {
                f = FeatureMeter.denying(name, "feature '" + name + "' is not configured in "
                        + config.source(), exception, exceptionKey);
            } else if (configured.sync().journaled()) {
                Allowance allowance = new Allowance(name, configured, account(configured), config.journal(), syncer);
                f = FeatureMeter.journaled(configured, backend, exception, exceptionKey, allowance);
                allowances.put(name, allowance);
            } else {
                f = FeatureMeter.of(configured, backend, exception, exceptionKey, syncer);
            }
            features.put(name, f);
            return f;
        }
    }

    private Account account(Feature f) {
        boolean credits = f.mode() == Feature.Mode.CREDITS;
        long bound = credits ? f.lowerBound() : f.bound() == null ? Backend.NO_CAP : f.bound();
        if (backend instanceof Grants) {
            return new LocalAccount((Grants) backend, backend, f.counter(), credits, bound);
        }
        return new RemoteAccount(backend, journalDir(), f, credits, bound);
    }

    /** Where journals of a backend without its own folder go: {@code journal.dir}, else under the user's home. */
    private Path journalDir() {
        Path dir = config.journal().dir();
        return dir != null ? dir : Paths.get(System.getProperty("user.home"), ".tollgate", "journal",
                backend.journalScope() == null ? "default" : backend.journalScope());
    }

    /** A site with its resolved feature, cost and (lazily) its denial exception factory. */
    private static final class SiteMeter {
        final Site site;
        final FeatureMeter feature;
        /** The table of the feature's {@link CallsByThread}; here, to spare the hot path two dependent loads. */
        final Calls[] calls;
        final int cost;
        /**
         * The feature's allowance when it is journaled (then its charge is the allowance's), else null; null as
         * well until the site is {@link #verified}, so that its first call takes the path that verifies it.
         */
        final Allowance allowance;
        /** The feature's allowance, also before the site is verified. */
        private final Allowance journaled;
        /** Whether the feature's denial exception is known to be buildable in this site's class loader. */
        final boolean verified;
        private volatile DenialFactory factory;

        SiteMeter(Site site, FeatureMeter feature, int cost, Allowance allowance, boolean verified) {
            this.site = site;
            this.feature = feature;
            this.calls = feature.calls.table;
            this.cost = cost;
            this.journaled = allowance;
            this.allowance = verified ? allowance : null;
            this.verified = verified;
        }

        /** This site, its denial exception found buildable. */
        SiteMeter verified() {
            SiteMeter v = new SiteMeter(site, feature, cost, journaled, true);
            v.factory = factory;
            return v;
        }

        /** The denial of every call when the feature's exception cannot be built for {@code host}; else null. */
        Throwable refusal(Class<?> host) {
            DenialFactory f = factoryFor(host);
            return f.problem() == null ? null : withoutAgentFrames(f.refuse(feature.name, cost));
        }

        private DenialFactory factoryFor(Class<?> host) {
            DenialFactory f = factory;
            if (f == null || !f.servesLoaderOf(host)) {
                f = DenialFactory.resolve(feature.exceptionClass, feature.exceptionKey, host);
                factory = f;
            }
            return f;
        }

        Throwable denial(FeatureMeter.Denial d, Class<?> host) {
            UsageDeniedException denial = new UsageDeniedException(feature.name, d.reason, d.units,
                    d.left < 0 ? UsageDeniedException.UNKNOWN : d.left,
                    d.reason == UsageDeniedException.Reason.CAP_REACHED ? feature.cap() : UsageDeniedException.UNKNOWN,
                    d.detail);
            if (Config.DEFAULT_EXCEPTION.equals(feature.exceptionClass)) {
                return withoutAgentFrames(denial);
            }
            Throwable thrown = factoryFor(host).create(withoutAgentFrames(denial));
            return thrown == denial ? thrown : withoutAgentFrames(thrown);
        }
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
