package dev.tollgate.agent.forked;

import java.time.Duration;

import dev.tollgate.testkit.CryptolensEmulator;

/**
 * For tests whose backend fails long enough to open the agent's breaker: after the fault is cleared, calls are
 * still decided without the backend until the breaker's background probe gets an answer.
 */
final class BreakerProbes {

    private BreakerProbes() {
    }

    /**
     * For a step of {@link ForkedJvm#scenarios}: clears the emulator's faults and waits until the agent says that
     * the backend answers again (the breaker's probe comes at most 30 s after the one before).
     */
    static void clearFaultsAndAwaitBackend(CryptolensEmulator emulator) {
        emulator.clearFaults();
        ForkedJvm.awaitErr(" answers again after ", Duration.ofSeconds(60));
    }
}
