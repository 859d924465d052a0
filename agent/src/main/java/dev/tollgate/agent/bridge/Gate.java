package dev.tollgate.agent.bridge;

/**
 * What {@link Bridge} delegates to: the metering runtime. Speaks only JDK types, because it is
 * reached from host code in any class loader.
 */
public interface Gate {

    /**
     * Charges one call of the site, before its body runs.
     *
     * @param site the site id bound into the advice
     * @param host the class that declares the metered method (to build a configured exception in
     *     its class loader)
     * @return a {@link Throwable} to throw instead of running the body; anything else (a token of the
     *     runtime's, or {@code null}) runs the body and is handed back to {@link #exit}
     */
    Object enter(int site, Class<?> host);

    /**
     * The metered method returned or threw ({@code thrown}); runs only after {@link #enter} said go, on
     * the same thread.
     *
     * @param token what {@link #enter} returned for this call
     */
    void exit(int site, Object token, Throwable thrown);
}
