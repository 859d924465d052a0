package dev.tollgate.agent.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** The warm-up thread: what it loads ahead of the first call exists, and it never disturbs a start. */
class WarmupTest {

    @Test
    void everyClassItLoadsAheadOfTheFirstCallExists() throws ClassNotFoundException {
        for (String name : Warmup.FIRST_CALL) {
            // Warmup ignores a missing class, so a renamed one would silently stop being warmed.
            assertThat(Class.forName(name, false, Warmup.class.getClassLoader())).as(name).isNotNull();
        }
    }

    @Test
    void startingTwiceAndRunningAgainNeverThrowsIntoTheHost() {
        // Premain and a woven class's first call may both start it; neither may see an exception.
        assertThatCode(() -> {
            Warmup.start();
            Warmup.start();
            new Warmup().run();
        }).doesNotThrowAnyException();
    }
}
