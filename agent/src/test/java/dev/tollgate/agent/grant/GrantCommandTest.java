package dev.tollgate.agent.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grant keygen} and {@code grant sign}: the vendor's side of a top-up. */
class GrantCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return GrantCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path keys() {
        assertThat(run("keygen", "--out", dir.resolve("keys").toString())).as(err()).isZero();
        return dir.resolve("keys");
    }

    @Test
    void keygenWritesASecretPrivateKeyAndThePublicKeyToShip() throws Exception {
        Path keys = keys();

        String privateText = Files.readString(keys.resolve("vendor-private.pem"));
        PublicKey shipped = GrantKeys.readPublic(Files.readString(keys.resolve("grant-key.pub")));
        assertThat(privateText).contains("-----BEGIN PRIVATE KEY-----").contains("-----BEGIN PUBLIC KEY-----");
        assertThat(GrantKeys.readPublic(privateText)).isEqualTo(shipped);
        assertThat(Files.readString(keys.resolve("grant-key.pub"))).doesNotContain("PRIVATE");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("vendor-private.pem"))))
                .isEqualTo("rw-------");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("ship it in the product as "
                + "META-INF/tollgate/grant-key.pub").contains(GrantKeys.fingerprint(shipped));
    }

    @Test
    void keygenNeverReplacesAKeyThatSignedGrants() throws IOException {
        Path keys = keys();
        byte[] before = Files.readAllBytes(keys.resolve("vendor-private.pem"));

        assertThat(run("keygen", "--out", keys.toString())).isEqualTo(1);
        assertThat(err()).contains(keys.resolve("vendor-private.pem") + " exists; it was not replaced");
        assertThat(Files.readAllBytes(keys.resolve("vendor-private.pem"))).isEqualTo(before);
    }

    @Test
    void signWritesAGrantThatTheShippedKeyVerifies() throws Exception {
        Path keys = keys();
        Path file = dir.resolve("acme-0042.grant");

        int exit = run("sign", "--key", keys.resolve("vendor-private.pem").toString(), "--to", "acme", "--feature",
                "export", "--units", "1000", "--id", "2026-0042", "--out", file.toString());

        assertThat(exit).as(err()).isZero();
        GrantFile g = GrantFile.parse(Files.readString(file));
        PublicKey shipped = GrantKeys.readPublic(Files.readString(keys.resolve("grant-key.pub")));
        assertThat(g.verifiedBy(shipped)).isTrue();
        assertThat(g.key()).isEqualTo(GrantKeys.fingerprint(shipped));
        assertThat(g).extracting(GrantFile::id, GrantFile::customer, GrantFile::feature, GrantFile::units)
                .containsExactly("2026-0042", "acme", "export", 1000L);
    }

    @Test
    void aGrantWithAChangedFieldNoLongerVerifies() throws Exception {
        Path keys = keys();
        Path file = dir.resolve("g.grant");
        run("sign", "--key", keys.resolve("vendor-private.pem").toString(), "--to", "acme", "--feature", "export",
                "--units", "10", "--id", "a1", "--out", file.toString());
        PublicKey shipped = GrantKeys.readPublic(Files.readString(keys.resolve("grant-key.pub")));

        for (String[] edit : new String[][] {{"units: 10", "units: 11"}, {"customer: acme", "customer: acmf"},
                {"feature: export", "feature: render"}, {"id: a1", "id: a2"}}) {
            String edited = Files.readString(file).replace(edit[0], edit[1]);
            assertThat(GrantFile.parse(edited).verifiedBy(shipped)).as(edit[1]).isFalse();
        }
    }

    @Test
    void signRefusesToReplaceAnExistingFileAndBadValuesAreUsageErrors() throws IOException {
        Path keys = keys();
        Path file = Files.writeString(dir.resolve("taken.grant"), "x");
        String key = keys.resolve("vendor-private.pem").toString();

        assertThat(run("sign", "--key", key, "--to", "acme", "--feature", "export", "--units", "5", "--id", "a1",
                "--out", file.toString())).isEqualTo(1);
        assertThat(err()).contains(file + " exists; it was not replaced");
        assertThat(run("sign", "--key", key, "--to", "acme", "--feature", "export", "--units", "0", "--id", "a1",
                "--out", dir.resolve("n.grant").toString())).isEqualTo(2);
        assertThat(err()).contains("units must be a whole number of at least 1, not 0");
        assertThat(run("sign", "--key", key, "--to", "acme", "--feature", "export", "--units", "5", "--id", "a b",
                "--out", dir.resolve("n.grant").toString())).isEqualTo(2);
        assertThat(err()).contains("id 'a b' is not valid: letters, digits and . _ : - (at most 64)");
        assertThat(run("sign", "--key", key, "--to", "acme")).isEqualTo(2);
        assertThat(err()).contains("--feature is missing");
    }

    @Test
    void signWithAFileThatIsNotAVendorKeySaysSo() throws IOException {
        Path notAKey = Files.writeString(dir.resolve("grant-key.pub"), "hello");

        assertThat(run("sign", "--key", notAKey.toString(), "--to", "acme", "--feature", "export", "--units", "5",
                "--id", "a1", "--out", dir.resolve("g.grant").toString())).isEqualTo(1);
        assertThat(err()).contains(notAKey + " is not a vendor key made by 'grant keygen' (no PRIVATE KEY block)");
    }

    @Test
    void anUnknownSubcommandIsAUsageError() {
        assertThat(run("mint", "--units", "5")).isEqualTo(2);
        assertThat(err()).contains("grant keygen --out <dir>").contains("grant sign --key");
    }

    @Test
    void textThatIsNotAGrantIsRefusedNamingTheLine() {
        assertThatThrownBy(() -> GrantFile.parse("version: 1\nid: a\nprice: 0\n"))
                .isInstanceOf(GrantFile.Malformed.class)
                .hasMessage("line 3: 'price: 0' is not one of the fields version, id, customer, feature, units, key, "
                        + "signature");
        assertThatThrownBy(() -> GrantFile.parse("version: 1\n")).hasMessage("it has no id: line");
        assertThatThrownBy(() -> GrantFile.parse("version: 1\nversion: 1\n")).hasMessage("line 2: version is given twice");
    }

    @Test
    void eachBadValueOfAGrantIsRefusedNamingTheField() {
        String good = "version: 1\nid: a1\ncustomer: acme\nfeature: export\nunits: 5\n"
                + "key: sha256:0123456789abcdef0123456789abcdef\nsignature: AAAA\n";

        assertThatThrownBy(() -> GrantFile.parse(good.replace("version: 1", "version: 2")))
                .hasMessage("version 2 is not known; this agent reads 1");
        assertThatThrownBy(() -> GrantFile.parse(good.replace("units: 5", "units: many")))
                .hasMessage("units 'many' is not a whole number of at least 1");
        assertThatThrownBy(() -> GrantFile.parse(good.replace("units: 5", "units: -5")))
                .hasMessage("units '-5' is not a whole number of at least 1");
        assertThatThrownBy(() -> GrantFile.parse(good.replace("key: sha256:0123", "key: md5:0123")))
                .hasMessageStartingWith("key 'md5:0123").hasMessageEndingWith("is not valid: sha256: and 32 hex digits");
        assertThatThrownBy(() -> GrantFile.parse(good.replace("signature: AAAA", "signature: !!")))
                .hasMessage("signature is not base64");
        assertThatThrownBy(() -> GrantFile.parse(good.replace("feature: export", "feature: ex port")))
                .hasMessage("feature 'ex port' is not valid: a feature name without spaces");
    }

    @Test
    void aProductResourceThatIsNotAPublicKeyIsNamed() throws IOException {
        Path root = dir.resolve("product");
        Path resource = root.resolve(GrantKeys.RESOURCE);
        Files.createDirectories(resource.getParent());
        Files.writeString(resource, "-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n");

        GrantKeys.Trusted t = GrantKeys.trusted(new java.net.URLClassLoader(
                new java.net.URL[] {root.toUri().toURL()}, null));

        assertThat(t.key()).isNull();
        assertThat(t.problem()).startsWith("file:").contains(root.toString())
                .contains("META-INF/tollgate/grant-key.pub is not a PEM public EC key (");
    }
}
