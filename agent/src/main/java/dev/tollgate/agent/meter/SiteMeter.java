package dev.tollgate.agent.meter;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.site.Site;

/**
 * A site as the {@link Metering} charges it, resolved once at registration: its feature's {@link Charge}, its
 * cost in units, whether its calls get their charge back when they throw, and (lazily) the factory of its denial
 * exception. Immutable but for that factory: verifying a site replaces its meter.
 */
final class SiteMeter {

    final Site site;
    final String feature;
    /** The feature's charge, the one strategy every site of the feature uses. */
    final Charge charge;
    /**
     * The same charge typed as the final class when it is journaled and the site is {@link #verified}, else null:
     * the hot path calls it directly, never through the interface (whose call would stop being inlined once a
     * product uses all three strategies).
     */
    final JournaledCharge journaled;
    /** The table of the feature's {@link CallsByThread}; here, to spare the hot path two dependent loads. */
    final Metering.Calls[] calls;
    final CallsByThread byThread;
    /** Units per call: the site's cost, or the feature's when the site gave none. */
    final int cost;
    /** Whether a charged call that throws gets its charge back ({@code refund: onException}). */
    final boolean refunds;
    final String exceptionClass;
    final String exceptionKey;
    /** Whether the feature's denial exception is known to be buildable in this site's class loader. */
    final boolean verified;
    private volatile DenialFactory factory;

    SiteMeter(Site site, String feature, Charge charge, int cost, boolean refunds, String exceptionClass,
            String exceptionKey) {
        this(site, feature, charge, cost, refunds, exceptionClass, exceptionKey,
                // A feature that throws its own exception is checked in the site's class loader at its first call.
                Config.DEFAULT_EXCEPTION.equals(exceptionClass));
    }

    private SiteMeter(Site site, String feature, Charge charge, int cost, boolean refunds, String exceptionClass,
            String exceptionKey, boolean verified) {
        this.site = site;
        this.feature = feature;
        this.charge = charge;
        this.journaled = verified && charge instanceof JournaledCharge ? (JournaledCharge) charge : null;
        this.byThread = charge.calls();
        this.calls = byThread.table;
        this.cost = cost;
        this.refunds = refunds;
        this.exceptionClass = exceptionClass;
        this.exceptionKey = exceptionKey;
        this.verified = verified;
    }

    /** This site, its denial exception found buildable. */
    SiteMeter verified() {
        SiteMeter v = new SiteMeter(site, feature, charge, cost, refunds, exceptionClass, exceptionKey, true);
        v.factory = factory;
        return v;
    }

    /** The denial of every call when the feature's exception cannot be built for {@code host}; else null. */
    Throwable refusal(Class<?> host) {
        DenialFactory f = factoryFor(host);
        return f.problem() == null ? null : Metering.withoutAgentFrames(f.refuse(feature, cost));
    }

    private DenialFactory factoryFor(Class<?> host) {
        DenialFactory f = factory;
        if (f == null || !f.servesLoaderOf(host)) {
            f = DenialFactory.resolve(exceptionClass, exceptionKey, host);
            factory = f;
        }
        return f;
    }

    /** The exception that denies a call for {@code v}, of the feature's class, its stack starting in the host. */
    Throwable denial(Verdict v, Class<?> host) {
        UsageDeniedException denial = new UsageDeniedException(feature, v.reason, cost, v.left, v.cap, v.detail);
        if (Config.DEFAULT_EXCEPTION.equals(exceptionClass)) {
            return Metering.withoutAgentFrames(denial);
        }
        Throwable thrown = factoryFor(host).create(Metering.withoutAgentFrames(denial));
        return thrown == denial ? thrown : Metering.withoutAgentFrames(thrown);
    }

    @Override
    public String toString() {
        return site + " charged by " + charge;
    }
}
