package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A vendor sells a top-up to an offline customer with the shipped jar's {@code grant} command, and the product (with
 * the vendor's public key on its class path) takes it once and refuses every other grant with its line.
 */
class TopUpIT {

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    private static void grant(ForkedJvm.Jdk jdk, Path dir, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "-jar";
        command[1] = ForkedJvm.agentJar().toString();
        command[2] = "grant";
        System.arraycopy(args, 0, command, 3, args.length);
        ForkedJvm.Result r = ForkedJvm.java(jdk, dir, command);
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    private static void sign(ForkedJvm.Jdk jdk, Path dir, String keys, String to, String units, String id,
            String out) {
        grant(jdk, dir, "sign", "--key", keys + "/vendor-private.pem", "--to", to, "--feature", "export", "--units",
                units, "--id", id, "--out", out);
    }

    private static ForkedJvm.Result run(ForkedJvm.Jdk jdk, Path dir, String... scenarios) {
        return ForkedJvm.run(jdk, dir, List.of(ForkedJvm.agentOption("tollgate.yml"), "-Duser.home=" + dir.resolve("home")),
                List.of(dir.resolve("product")), "fixtures.Scenarios", scenarios);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aSignedGrantIsTakenOnceAndEditedForeignMisaddressedAndReplayedGrantsAreRefused(ForkedJvm.Jdk jdk,
            @TempDir Path dir) throws IOException {
        grant(jdk, dir, "keygen", "--out", "keys");
        grant(jdk, dir, "keygen", "--out", "other");
        Path resource = dir.resolve("product/META-INF/tollgate/grant-key.pub");
        Files.createDirectories(resource.getParent());
        Files.copy(dir.resolve("keys/grant-key.pub"), resource);
        ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  customer: acme
                  credits:
                    export: 3
                features:
                  export: { mode: credits }
                """);
        Path inbox = Files.createDirectories(dir.resolve("ledger/grants"));
        sign(jdk, dir, "keys", "acme", "5", "g1", "ledger/grants/g1.grant");

        ForkedJvm.Result first = run(jdk, dir, "export=10", "balance");

        assertThat(first.fields("export")).as(first.toString()).containsEntry("returned", "8")
                .containsEntry("bodies", "8").containsEntry("reason", "CREDITS_EXHAUSTED");
        assertThat(first.agentLines()).contains("[tollgate] took grant file " + inbox.resolve("g1.grant")
                + " (id g1): 5 credits of 'export', now 8");

        Files.copy(inbox.resolve("taken/g1.grant"), inbox.resolve("g1-again.grant"));
        sign(jdk, dir, "keys", "acme", "10", "g2", "g2.grant");
        Files.writeString(inbox.resolve("g2-edited.grant"),
                Files.readString(dir.resolve("g2.grant")).replace("units: 10", "units: 1000"));
        sign(jdk, dir, "other", "acme", "10", "g3", "ledger/grants/g3-other-key.grant");
        sign(jdk, dir, "keys", "globex", "10", "g4", "ledger/grants/g4-globex.grant");

        ForkedJvm.Result second = run(jdk, dir, "export=1", "balance");

        assertThat(second.fields("export")).as(second.toString()).containsEntry("returned", "0")
                .containsEntry("reason", "CREDITS_EXHAUSTED");
        assertThat(second.line("balance")).isEqualTo("export=0 active=true");
        String warning = "[tollgate] warning: grant file " + inbox + "/";
        assertThat(second.agentLines()).anySatisfy(l -> assertThat(l).startsWith(warning
                + "g1-again.grant (id g1) was already taken on ").endsWith(": nothing was added"));
        assertThat(second.agentLines()).contains(
                warning + "g2-edited.grant was edited after it was signed (its signature does not match its "
                        + "contents): refused",
                warning + "g4-globex.grant is meant for customer 'globex', and this install is 'acme' "
                        + "(local.customer): refused");
        assertThat(second.agentLines()).anySatisfy(l -> assertThat(l).startsWith(warning
                + "g3-other-key.grant is signed by another key (sha256:").endsWith(": refused"));
        assertThat(second.agentLines()).noneMatch(l -> l.contains("took grant"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aWovenProductTakesGrantsSignedWithItsKeyAndNoneOnceItsKeyIsReplaced(ForkedJvm.Jdk jdk, @TempDir Path dir)
            throws IOException {
        grant(jdk, dir, "keygen", "--out", "keys");
        grant(jdk, dir, "keygen", "--out", "other");
        Path resource = dir.resolve("classes/META-INF/tollgate/grant-key.pub");
        Files.createDirectories(resource.getParent());
        Files.copy(dir.resolve("keys/grant-key.pub"), resource);
        Path woven = WovenIT.wovenFixtures(jdk, dir, null); // records the key's digest in the woven classes
        ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  customer: acme
                  credits:
                    export: 3
                features:
                  export: { mode: credits }
                """);
        Path inbox = Files.createDirectories(dir.resolve("ledger/grants"));
        String[] product = WovenIT.args(new String[] {"-Duser.home=" + dir.resolve("home")},
                WovenIT.cp(woven, ForkedJvm.annotationsJar(), ForkedJvm.agentJar()));
        sign(jdk, dir, "keys", "acme", "5", "g1", "ledger/grants/g1.grant");

        ForkedJvm.Result first = ForkedJvm.java(jdk, dir, WovenIT.args(product, "fixtures.Scenarios", "export=10"));

        assertThat(first.fields("export")).as(first.toString()).containsEntry("returned", "8");
        assertThat(first.agentLines()).contains("[tollgate] took grant file " + inbox.resolve("g1.grant")
                + " (id g1): 5 credits of 'export', now 8");

        // The customer puts a key of their own in the product and signs a grant with it.
        Files.copy(dir.resolve("other/grant-key.pub"), resource, StandardCopyOption.REPLACE_EXISTING);
        sign(jdk, dir, "other", "acme", "10", "g2", "ledger/grants/g2.grant");

        ForkedJvm.Result second = ForkedJvm.java(jdk, dir, WovenIT.args(product, "fixtures.Scenarios", "export=1"));

        assertThat(second.fields("export")).as(second.toString()).containsEntry("returned", "0")
                .containsEntry("reason", "CREDITS_EXHAUSTED");
        assertThat(second.agentLines()).as(second.toString()).anySatisfy(l -> assertThat(l).startsWith(
                "[tollgate] warning: grant file " + inbox.resolve("g2.grant") + " cannot be checked: ")
                .contains("META-INF/tollgate/grant-key.pub is not the grant key the product was built with (expected"
                        + " sha256:")
                .endsWith("): a replaced key is never trusted, so grants are refused; reinstall the product; it stays"
                        + " in the inbox"));
        assertThat(second.agentLines()).noneMatch(l -> l.contains("took grant"));
        assertThat(inbox.resolve("g2.grant")).exists();
    }
}
