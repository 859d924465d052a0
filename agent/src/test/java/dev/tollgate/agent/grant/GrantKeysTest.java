package dev.tollgate.agent.grant;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vendor's key a product trusts: once woven classes recorded the digest of {@value GrantKeys#RESOURCE}
 * ({@link GrantKeys#expect}), a replaced key is trusted by nobody, so no grant is taken.
 */
class GrantKeysTest {

    @TempDir
    Path dir;

    @AfterEach
    void forget() {
        GrantKeys.forgetExpected();
    }

    /** A class path holding {@code pem} as the product's grant key. */
    private URLClassLoader productWithKey(String pem) throws Exception {
        Path key = dir.resolve(GrantKeys.RESOURCE);
        Files.createDirectories(key.getParent());
        Files.write(key, pem.getBytes(StandardCharsets.US_ASCII));
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }

    private static String digest(String pem) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void theKeyWhoseDigestTheWovenClassesRecordedIsTrusted() throws Exception {
        PublicKey vendor = GrantKeys.generate().getPublic();
        String pem = GrantKeys.publicPem(vendor);
        GrantKeys.expect(digest(pem).toUpperCase());

        try (URLClassLoader product = productWithKey(pem)) {
            GrantKeys.Trusted trusted = GrantKeys.trusted(product);

            assertThat(trusted.problem()).isNull();
            assertThat(trusted.key()).isEqualTo(vendor);
        }
    }

    @Test
    void aReplacedKeyIsNotTrustedAndTheProblemNamesBothDigests() throws Exception {
        String vendorPem = GrantKeys.publicPem(GrantKeys.generate().getPublic());
        String customerPem = GrantKeys.publicPem(GrantKeys.generate().getPublic());
        GrantKeys.expect(digest(vendorPem));

        try (URLClassLoader product = productWithKey(customerPem)) {
            GrantKeys.Trusted trusted = GrantKeys.trusted(product);

            assertThat(trusted.key()).isNull();
            assertThat(trusted.problem()).endsWith(GrantKeys.RESOURCE + " is not the grant key the product was built"
                    + " with (expected " + digest(vendorPem) + ", found " + digest(customerPem) + "): a replaced key is"
                    + " never trusted, so grants are refused; reinstall the product");
        }
    }

    @Test
    void aMissingKeyThatWovenClassesRecordedIsNotTrusted() throws Exception {
        GrantKeys.expect(digest("anything"));

        try (URLClassLoader product = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            GrantKeys.Trusted trusted = GrantKeys.trusted(product);

            assertThat(trusted.key()).isNull();
            assertThat(trusted.problem()).isEqualTo("the product carries no grant key (" + GrantKeys.RESOURCE
                    + " on its class path, though its woven classes record one)");
        }
    }

    @Test
    void withoutWovenClassesAnyKeyTheProductCarriesIsTrustedAsBefore() throws Exception {
        PublicKey vendor = GrantKeys.generate().getPublic();

        try (URLClassLoader product = productWithKey(GrantKeys.publicPem(vendor))) {
            assertThat(GrantKeys.trusted(product).key()).isEqualTo(vendor);
        }
    }
}
