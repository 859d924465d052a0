package dev.tollgate.agent.bridge;

import dev.tollgate.UsageDeniedException;

/**
 * The one entry point that inlined advice calls from host code.
 *
 * <p>It lives in the bootstrap class loader (the agent appends it there at startup) so that every
 * class, whatever its loader, can reach it; it therefore uses only JDK types and
 * {@link UsageDeniedException}, which is appended beside it. It never throws: an error inside the
 * runtime becomes a denial (never free usage) and is reported by the runtime.
 *
 * <pre>{@code
 * // what the advice does around the body of a metered method:
 * Object token = Bridge.enter(17, Reports.class);
 * if (token instanceof Throwable) throw (Throwable) token;
 * try {
 *     ...body; before each return: Bridge.exit(17, token, null)
 * } catch (Throwable t) {
 *     Bridge.exit(17, token, t);
 *     throw t;
 * }
 * }</pre>
 *
 * The token carries the call's state from enter to exit (the runtime's per-thread record of the feature),
 * so that exit, which runs on every call, need not look it up again.
 */
public final class Bridge {

    private static volatile Gate gate;

    private Bridge() {
    }

    /** Called by the agent once its runtime is ready, before any class is instrumented. */
    public static void install(Gate runtime) {
        gate = runtime;
    }

    /** Whether a runtime is the gate (possibly one started through another class loader's copy of the agent). */
    public static boolean isInstalled() {
        return gate != null;
    }

    /** Removes the runtime; metered calls are then denied. For tests. */
    public static void uninstall() {
        gate = null;
    }

    /** @see Gate#enter */
    public static Object enter(int site, Class<?> host) {
        Gate g = gate;
        if (g == null) {
            return denied(site, "the Tollgate agent is not running");
        }
        try {
            return g.enter(site, host);
        } catch (Throwable t) {
            return denied(site, "internal error in the Tollgate agent: " + t.getClass().getName());
        }
    }

    /** Kept out of {@link #enter}, so that the JIT inlines the small common path into every metered method. */
    private static Throwable denied(int site, String why) {
        return new UsageDeniedException("site " + site, UsageDeniedException.Reason.MISCONFIGURED, 0,
                UsageDeniedException.UNKNOWN, why);
    }

    /** @see Gate#exit */
    public static void exit(int site, Object token, Throwable thrown) {
        Gate g = gate;
        if (g == null) {
            return;
        }
        try {
            g.exit(site, token, thrown);
        } catch (Throwable ignored) {
            // The runtime counts its own errors; the host's call has already completed.
        }
    }
}
