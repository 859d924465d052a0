package dev.tollgate.agent.grant;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The vendor's grant keys: an EC P-256 pair in PEM, its fingerprint, and the public key a product carries as the
 * class-path resource {@value #RESOURCE}.
 *
 * <pre>{@code
 * KeyPair pair = GrantKeys.generate();
 * String pub = GrantKeys.publicPem(pair.getPublic());            // ship as META-INF/tollgate/grant-key.pub
 * GrantKeys.Trusted t = GrantKeys.trusted(ClassLoader.getSystemClassLoader());
 * }</pre>
 */
public final class GrantKeys {

    /** Where a product carries the vendor's public grant key. */
    public static final String RESOURCE = "META-INF/tollgate/grant-key.pub";
    private static final String PUBLIC = "PUBLIC KEY";
    private static final String PRIVATE = "PRIVATE KEY";

    /** The digests of {@value #RESOURCE} recorded in the product's woven classes ({@link #expect}). */
    private static final Set<String> EXPECTED = new CopyOnWriteArraySet<>();

    private GrantKeys() {
    }

    /** The key a product trusts, or why it has none. */
    public static final class Trusted {
        private final PublicKey key;
        private final String problem;

        Trusted(PublicKey key, String problem) {
            this.key = key;
            this.problem = problem;
        }

        /** The vendor's key; {@code null} when {@link #problem()} says why there is none. */
        public PublicKey key() {
            return key;
        }

        public String problem() {
            return problem;
        }
    }

    /** A new EC P-256 key pair. */
    public static KeyPair generate() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** {@code sha256:} and the first 16 bytes, in hex, of the SHA-256 of the key's X.509 encoding. */
    public static String fingerprint(PublicKey key) {
        try {
            return sha256(key.getEncoded(), 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** {@code sha256:} and the first {@code bytes} bytes, in hex, of the SHA-256 of {@code data}. */
    private static String sha256(byte[] data, int bytes) throws GeneralSecurityException {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(data);
        StringBuilder s = new StringBuilder("sha256:");
        for (int i = 0; i < bytes; i++) {
            s.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
        }
        return s.toString();
    }

    /**
     * Records the digest ({@code sha256:<64 hex>} of its bytes) that the product's woven classes carry for
     * {@value #RESOURCE}: from then on {@link #trusted} trusts no key unless every copy on the class path has it.
     *
     * <pre>{@code
     * GrantKeys.expect("sha256:3a7bd3...");   // what SelfStart does for each woven class's stamp
     * }</pre>
     */
    public static void expect(String digest) {
        if (digest != null) {
            EXPECTED.add(digest.trim().toLowerCase(Locale.ROOT));
        }
    }

    /** Forgets the digests {@link #expect} recorded; for tests. */
    static void forgetExpected() {
        EXPECTED.clear();
    }

    public static String publicPem(PublicKey key) {
        return pem(PUBLIC, key.getEncoded());
    }

    public static String privatePem(PrivateKey key) {
        return pem(PRIVATE, key.getEncoded());
    }

    /** The public key in {@code text}'s {@code PUBLIC KEY} block. */
    public static PublicKey readPublic(String text) throws GeneralSecurityException {
        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(block(text, PUBLIC)));
    }

    /** The private key in {@code text}'s {@code PRIVATE KEY} block. */
    public static PrivateKey readPrivate(String text) throws GeneralSecurityException {
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(block(text, PRIVATE)));
    }

    /**
     * The vendor's key from {@value #RESOURCE} on {@code loader}'s class path. Two resources holding different
     * keys are refused: a second jar put before the product's must not decide whose grants count.
     */
    public static Trusted trusted(ClassLoader loader) {
        List<PublicKey> keys = new ArrayList<>();
        List<String> where = new ArrayList<>();
        try {
            Enumeration<URL> found = loader.getResources(RESOURCE);
            while (found.hasMoreElements()) {
                URL url = found.nextElement();
                PublicKey k;
                try {
                    byte[] bytes = read(url);
                    String replaced = replaced(bytes);
                    if (replaced != null) {
                        return new Trusted(null, url + " is not the grant key the product was built with ("
                                + replaced + "): a replaced key is never trusted, so grants are refused; reinstall the"
                                + " product");
                    }
                    k = readPublic(new String(bytes, StandardCharsets.US_ASCII));
                } catch (GeneralSecurityException | IOException | RuntimeException e) {
                    return new Trusted(null, url + " is not a PEM public EC key (" + e.getMessage() + ")");
                }
                if (keys.isEmpty() || !fingerprint(keys.get(0)).equals(fingerprint(k))) {
                    keys.add(k);
                    where.add(url.toString());
                }
            }
        } catch (IOException e) {
            return new Trusted(null, "the class path cannot be searched for " + RESOURCE + ": " + e);
        }
        if (keys.isEmpty()) {
            return new Trusted(null, "the product carries no grant key (" + RESOURCE + " on its class path"
                    + (EXPECTED.isEmpty() ? ")" : ", though its woven classes record one)"));
        }
        if (keys.size() > 1) {
            return new Trusted(null, "the class path holds different grant keys: " + String.join(" and ", where));
        }
        return new Trusted(keys.get(0), null);
    }

    /** What the woven classes recorded and what {@code bytes} have, when they differ; else {@code null}. */
    private static String replaced(byte[] bytes) throws GeneralSecurityException {
        if (EXPECTED.isEmpty()) {
            return null;
        }
        String found = sha256(bytes, 32);
        for (String expected : EXPECTED) {
            if (!expected.equals(found)) {
                return "expected " + expected + ", found " + found;
            }
        }
        return null;
    }

    private static byte[] read(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) > 0 && out.size() < 65536; ) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] block(String text, String type) throws GeneralSecurityException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from);
        if (to < 0) {
            throw new GeneralSecurityException("no " + type + " block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("the " + type + " block is not base64");
        }
    }
}
