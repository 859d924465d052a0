package dev.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.OptionalLong;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TollgateTest {

    /** Sets the hook the agent fills in at startup, as the agent does (reflectively). */
    private static void hook(Function<String, OptionalLong> balances) throws ReflectiveOperationException {
        Field f = Tollgate.class.getDeclaredField("balances");
        f.setAccessible(true);
        f.set(null, balances);
    }

    @AfterEach
    void noAgent() throws ReflectiveOperationException {
        hook(null);
    }

    @Test
    void withoutAnAgentTheBalanceIsEmpty() {
        assertThat(Tollgate.balance("export")).isEmpty();
    }

    @Test
    void withoutAnAgentTollgateIsNotActive() {
        assertThat(Tollgate.isActive()).isFalse();
    }

    @Test
    void aNullFeatureHasNoBalance() throws ReflectiveOperationException {
        assertThat(Tollgate.balance(null)).isEmpty();
        hook(feature -> OptionalLong.of(feature.length()));

        assertThat(Tollgate.balance(null)).isEmpty();
    }

    @Test
    void withAnAgentTheBalanceIsItsAnswer() throws ReflectiveOperationException {
        hook(feature -> feature.equals("export") ? OptionalLong.of(42) : OptionalLong.empty());

        assertThat(Tollgate.isActive()).isTrue();
        assertThat(Tollgate.balance("export")).hasValue(42);
        assertThat(Tollgate.balance("charts")).isEmpty();
    }

    @Test
    void aFailingOrNullAnswerIsEmpty() throws ReflectiveOperationException {
        hook(feature -> {
            if (feature.equals("export")) {
                throw new IllegalStateException("backend gone");
            }
            return null;
        });

        assertThat(Tollgate.balance("export")).isEmpty();
        assertThat(Tollgate.balance("charts")).isEmpty();
    }
}
