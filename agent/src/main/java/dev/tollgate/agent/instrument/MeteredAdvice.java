package dev.tollgate.agent.instrument;

import dev.tollgate.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * The code inlined around every metered method. It runs as host code, so it calls only the public
 * {@link Bridge} (in the bootstrap class loader) and passes only JDK types.
 *
 * <p>The enter advice is the agent's only deliberate throw: on a denial the body does not run and the
 * caller gets the denial exception. It has no {@code suppress}, which would swallow that throw; the
 * bridge never throws anything else. The exit advice suppresses everything.
 */
final class MeteredAdvice {

    private MeteredAdvice() {
    }

    @Advice.OnMethodEnter
    static Object enter(@SiteId int site, @Advice.Origin Class<?> host) throws Throwable {
        Object token = Bridge.enter(site, host);
        if (token instanceof Throwable) {
            throw (Throwable) token;
        }
        return token;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@SiteId int site, @Advice.Enter Object token, @Advice.Thrown Throwable thrown) {
        Bridge.exit(site, token, thrown);
    }
}
