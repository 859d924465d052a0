package dev.tollgate.agent.site;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.tollgate.agent.rules.MeteredMethod;

/** A site says whether its annotation or rule gave a cost; the feature's cost applies when it did not. */
class SiteTest {

    @Test
    void aSiteWithoutACostTakesTheFeaturesCostAndOneWithACostKeepsIt() {
        Sites sites = new Sites();
        Site none = sites.register("export", Site.COST_NOT_GIVEN, "com.acme.Reports", "export()", "@Metered");
        Site five = sites.register("export", 5, "com.acme.Reports", "bulk()", "@Metered");

        assertThat(none.costGiven()).isFalse();
        assertThat(none.costOr(3)).isEqualTo(3);
        assertThat(none).hasToString("site 0 com.acme.Reports#export() -> export (@Metered)");
        assertThat(five.costGiven()).isTrue();
        assertThat(five.costOr(3)).isEqualTo(5);
        assertThat(five).hasToString("site 1 com.acme.Reports#bulk() -> export x5 (@Metered)");
    }

    @Test
    void costNotGivenMeansTheSameForASiteAsForTheRulesThatFoundIt() {
        assertThat(Site.COST_NOT_GIVEN).isEqualTo(MeteredMethod.COST_NOT_GIVEN);
    }
}
