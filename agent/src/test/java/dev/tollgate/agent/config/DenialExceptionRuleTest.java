package dev.tollgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The one rule for configured denial exceptions, whose words both the startup check and the denial use. */
class DenialExceptionRuleTest {

    @Test
    void anUncheckedPublicConcreteConstructibleClassServes() {
        assertThat(DenialExceptionRule.problem("com.acme.Denied", true, false, true, true)).isNull();
    }

    @Test
    void eachMissingPropertyIsNamedFirstByHowFundamentalItIs() {
        assertThat(DenialExceptionRule.problem("com.acme.Denied", false, true, false, false))
                .isEqualTo("com.acme.Denied is not an unchecked exception (it must extend RuntimeException)");
        assertThat(DenialExceptionRule.problem("com.acme.Denied", true, true, false, false))
                .isEqualTo("com.acme.Denied is abstract");
        assertThat(DenialExceptionRule.problem("com.acme.Denied", true, false, false, false))
                .isEqualTo("com.acme.Denied is not public");
        assertThat(DenialExceptionRule.problem("com.acme.Denied", true, false, true, false))
                .isEqualTo("com.acme.Denied has no public constructor taking (UsageDeniedException), "
                        + "(String, Throwable) or (String)");
    }

    @Test
    void theConstructorsAreListedInTheOrderTheyArePreferred() {
        assertThat(DenialExceptionRule.CONSTRUCTORS).containsExactly(List.of("dev.tollgate.UsageDeniedException"),
                List.of("java.lang.String", "java.lang.Throwable"), List.of("java.lang.String"));
    }
}
