package dev.tollgate.agent.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

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
        Object t = Bridge.enter(3, Object.class);
        assertThat((Throwable) t).isInstanceOf(UsageDeniedException.class).hasMessageContaining("the Tollgate agent is not running");
        assertThat(((UsageDeniedException) t).getReason()).isEqualTo(UsageDeniedException.Reason.MISCONFIGURED);
        Bridge.exit(3, null, null); // and leaving without a runtime is harmless
    }

    @Test
    void aRuntimeThatThrowsBecomesADenialNotAnException() {
        Bridge.install(new Gate() {
            @Override
            public Object enter(int site, Class<?> host) {
                throw new IllegalStateException("bug in the runtime");
            }

            @Override
            public void exit(int site, Object token, Throwable thrown) {
                throw new IllegalStateException("bug on the way out");
            }
        });

        Object t = Bridge.enter(1, Object.class);
        assertThat((Throwable) t).isInstanceOf(UsageDeniedException.class)
                .hasMessageContaining("internal error in the Tollgate agent: java.lang.IllegalStateException");
        Bridge.exit(1, "token", null); // swallowed: the host's call has already completed
    }

    @Test
    void theRuntimesAnswerAndTokenArePassedThrough() {
        RuntimeException denial = new RuntimeException("denied by the runtime");
        Object token = new Object();
        List<String> exits = new ArrayList<>();
        Bridge.install(new Gate() {
            @Override
            public Object enter(int site, Class<?> host) {
                return site == 7 ? denial : token;
            }

            @Override
            public void exit(int site, Object t, Throwable thrown) {
                exits.add(site + " " + (t == token) + " " + thrown);
            }
        });

        assertThat(Bridge.enter(7, Object.class)).isSameAs(denial);
        assertThat(Bridge.enter(8, Object.class)).isSameAs(token);
        Bridge.exit(8, token, null);
        assertThat(exits).containsExactly("8 true null");
    }
}
