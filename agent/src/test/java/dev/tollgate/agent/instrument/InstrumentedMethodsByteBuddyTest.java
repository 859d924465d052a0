package dev.tollgate.agent.instrument;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every in-process instrumentation test again, with every candidate class sent to Byte Buddy
 * ({@code -Dtollgate.instrument=bytebuddy}) instead of being woven directly: both paths must meter alike.
 */
class InstrumentedMethodsByteBuddyTest extends InstrumentedMethodsTest {

    @BeforeAll
    static void byteBuddyForEveryClass() {
        System.setProperty(Installer.INSTRUMENT_PROPERTY, Installer.BYTE_BUDDY_ONLY);
    }

    @AfterAll
    static void directWeavingAgain() {
        System.clearProperty(Installer.INSTRUMENT_PROPERTY);
    }
}
