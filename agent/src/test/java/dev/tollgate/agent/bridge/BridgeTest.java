package dev.tollgate.agent.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tollgate.UsageDeniedException;

/** The seam host code calls: never throws, and never lets a call run free when the runtime is broken. */
class BridgeTest {

    @AfterEach
    void uninstall() {
        Bridge.uninstall();
    }

    @Test
    void withoutARuntimeEveryCallIsDeniedAsMisconfigured() {
        Throwable t = Bridge.enter(3, Object.class);
        assertThat(t).isInstanceOf(UsageDeniedException.class).hasMessageContaining("the Tollgate agent is not running");
        assertThat(((UsageDeniedException) t).getReason()).isEqualTo(UsageDeniedException.Reason.MISCONFIGURED);
        Bridge.exit(3, null); // and leaving without a runtime is harmless
    }

    @Test
    void aRuntimeThatThrowsBecomesADenialNotAnException() {
        Bridge.install(new Gate() {
            @Override
            public Throwable enter(int site, Class<?> host) {
                throw new IllegalStateException("bug in the runtime");
            }

            @Override
            public void exit(int site, Throwable thrown) {
                throw new IllegalStateException("bug on the way out");
            }
        });

        Throwable t = Bridge.enter(1, Object.class);
        assertThat(t).isInstanceOf(UsageDeniedException.class)
                .hasMessageContaining("internal error in the Tollgate agent: java.lang.IllegalStateException");
        Bridge.exit(1, null); // swallowed: the host's call has already completed
    }

    @Test
    void theRuntimesAnswerIsPassedThrough() {
        RuntimeException denial = new RuntimeException("denied by the runtime");
        int[] exits = new int[1];
        Bridge.install(new Gate() {
            @Override
            public Throwable enter(int site, Class<?> host) {
                return site == 7 ? denial : null;
            }

            @Override
            public void exit(int site, Throwable thrown) {
                exits[0] += site;
            }
        });

        assertThat(Bridge.enter(7, Object.class)).isSameAs(denial);
        assertThat(Bridge.enter(8, Object.class)).isNull();
        Bridge.exit(8, null);
        assertThat(exits[0]).isEqualTo(8);
    }
}
