package dev.tollgate.agent.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The stamp a woven class carries: this runtime accepts its own format, and denies (with the reason) a class
 * from another format or with an entry it cannot check, so that a fact the weaver recorded (a pinned config's
 * digest, later) is never ignored. The table of a woven class registers its methods as sites, in order.
 */
class WovenStampTest {

    @Test
    void theStampOfThisWeaverIsAccepted() {
        WovenStamp read = WovenStamp.read(WovenStamp.write(Map.of()));

        assertThat(read.problem()).isNull();
        assertThat(read.entries()).isEmpty();
    }

    @Test
    void anEntryThisRuntimeCannotCheckIsAProblemNamingIt() {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("config-sha256", "sha256:abc");
        entries.put("licence-sha256", "abc");

        WovenStamp read = WovenStamp.read(WovenStamp.write(entries));

        assertThat(read.entries()).containsEntry("licence-sha256", "abc");
        assertThat(read.problem()).isEqualTo("it was woven with [licence-sha256], which this runtime cannot check:"
                + " use the tollgate-agent of the weaver's version");
    }

    @Test
    void thePinnedConfigAndGrantKeyDigestsAreKnownEntriesThatTheRuntimeChecks() {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("config-sha256", "sha256:aa");
        entries.put("grant-key-sha256", "sha256:bb");

        WovenStamp read = WovenStamp.read(WovenStamp.write(entries));

        assertThat(read.problem()).isNull();
        assertThat(read.configDigest()).isEqualTo("sha256:aa");
        assertThat(read.grantKeyDigest()).isEqualTo("sha256:bb");
        assertThat(WovenStamp.read("tollgate-weave/1").configDigest()).isNull();
    }

    @Test
    void anotherFormatIsAProblemNamingIt() {
        assertThat(WovenStamp.read("tollgate-weave/2").problem()).isEqualTo("it was woven as tollgate-weave/2, which"
                + " this runtime (tollgate-weave/1) cannot read: use the tollgate-agent of the weaver's version");
        assertThat(WovenStamp.read(null).problem()).isEqualTo("it carries no weaving stamp");
    }

    @Test
    void aTableRegistersItsMethodsAsSitesInOrder() {
        Sites sites = new Sites();
        sites.register("other", 0, "com.acme.Other", "run()", "@Metered");
        String table = new WovenTable().add("export", 2, "com.acme.Reports", "export()", "@Metered")
                .add("render", 0, "com.acme.Reports", "render(int)", "@Metered").toString();

        int[] ids = WovenTable.register(table, sites);

        assertThat(ids).containsExactly(1, 2);
        assertThat(sites.get(1).feature()).isEqualTo("export");
        assertThat(sites.get(1).cost()).isEqualTo(2);
        assertThat(sites.get(2).feature()).isEqualTo("render");
        assertThat(WovenTable.register(table, sites)).as("registering again").containsExactly(1, 2);
    }

    @Test
    void aNameWithALineBreakCannotBeWovenAndAMalformedTableIsRefused() {
        assertThatThrownBy(() -> new WovenTable().add("ex\nport", 0, "A", "a()", "@Metered"))
                .hasMessage("a tab or line break in ex\nport cannot be woven");
        assertThatThrownBy(() -> WovenTable.register("export\t1", new Sites()))
                .hasMessage("entry 0 of a woven class's table is malformed");
    }
}
