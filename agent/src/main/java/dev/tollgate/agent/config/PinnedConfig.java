package dev.tollgate.agent.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.jar.Manifest;

/**
 * The config the vendor pins in the product: the class-path resource {@value #RESOURCE}. When it is there,
 * everything the vendor decides (backend, features, modes, costs, bounds, sync, opening credits, retrofit
 * rules, exceptions) comes from it, and the customer's file may set only what it leaves to the customer
 * (see {@link CustomerKeys}).
 *
 * <p>An edited copy is refused by its SHA-256 digest: the build records {@link #digest(byte[])} of the
 * resource (in the woven classes, which hand it to {@link ConfigLoader}, or in the manifest attribute
 * {@value #MANIFEST_ATTRIBUTE} of the jar that holds the resource), and a resource that does not match is a
 * problem, so every metered call is denied.
 *
 * <pre>{@code
 * String recorded = PinnedConfig.digest(Files.readAllBytes(Paths.get("src/main/resources/META-INF/tollgate.yml")));
 * // ... later, in the product:
 * boolean untouched = PinnedConfig.verify(resourceBytes, recorded);
 * }</pre>
 */
public final class PinnedConfig {

    /** Where the pinned config is looked up on the class path. */
    public static final String RESOURCE = "META-INF/tollgate.yml";
    /** The main manifest attribute, in the jar that holds {@link #RESOURCE}, with the resource's digest. */
    public static final String MANIFEST_ATTRIBUTE = "Tollgate-Config-Digest";

    private static final String PREFIX = "sha256:";

    private PinnedConfig() {
    }

    /** The digest the build records: {@code sha256:} and 64 lower-case hex digits of the resource's bytes. */
    public static String digest(byte[] resource) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(resource);
            StringBuilder hex = new StringBuilder(PREFIX);
            for (byte b : hash) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Whether {@code resource} is the pinned config whose digest the build recorded. {@code expectedDigest} is
     * as {@link #digest} writes it; the {@code sha256:} prefix may be left out and case does not matter. A null,
     * blank or malformed expected digest matches nothing.
     */
    public static boolean verify(byte[] resource, String expectedDigest) {
        String expected = normalize(expectedDigest);
        return expected != null && MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                digest(resource).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** {@code sha256:<64 hex>} in lower case, or null when {@code digest} is not a SHA-256 digest. */
    static String normalize(String digest) {
        if (digest == null) {
            return null;
        }
        String d = digest.trim().toLowerCase(Locale.ROOT);
        if (d.startsWith(PREFIX)) {
            d = d.substring(PREFIX.length());
        }
        if (d.length() != 64) {
            return null;
        }
        for (int i = 0; i < d.length(); i++) {
            if (Character.digit(d.charAt(i), 16) < 0) {
                return null;
            }
        }
        return PREFIX + d;
    }

    /** What the class path holds under {@link #RESOURCE}: nothing, one copy, several, or an error. */
    static final class Lookup {
        /** Every copy found, as URLs; more than one is ambiguous. */
        final List<String> copies;
        /** The one copy's bytes, or null. */
        final byte[] bytes;
        /** The one copy's name in messages: the jar path and the entry, or the file. */
        final String name;
        /** The digest in the manifest of the one copy's jar, or null. */
        final String manifestDigest;
        /** Why the one copy could not be read, or null. */
        final String error;

        Lookup(List<String> copies, byte[] bytes, String name, String manifestDigest, String error) {
            this.copies = copies;
            this.bytes = bytes;
            this.name = name;
            this.manifestDigest = manifestDigest;
            this.error = error;
        }
    }

    /** Looks the resource up through {@code loader} (the system class loader, for the agent); never throws. */
    static Lookup find(ClassLoader loader) {
        List<URL> urls = new ArrayList<>();
        List<String> copies = new ArrayList<>();
        try {
            Enumeration<URL> found = loader == null ? ClassLoader.getSystemResources(RESOURCE)
                    : loader.getResources(RESOURCE);
            while (found.hasMoreElements()) {
                URL url = found.nextElement();
                if (!copies.contains(url.toString())) {
                    copies.add(url.toString());
                    urls.add(url);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new Lookup(copies, null, RESOURCE, null, "cannot look up " + RESOURCE + " on the class path: "
                    + e);
        }
        if (urls.size() != 1) {
            return new Lookup(copies, null, RESOURCE, null, null);
        }
        URL url = urls.get(0);
        String name = name(url);
        try {
            URLConnection connection = url.openConnection();
            connection.setUseCaches(false); // a jar edited since it was first opened is read as it is now
            String manifestDigest = null;
            if (connection instanceof JarURLConnection) { // before the entry: closing its stream closes the jar
                Manifest manifest = ((JarURLConnection) connection).getManifest();
                manifestDigest = manifest == null ? null : manifest.getMainAttributes().getValue(MANIFEST_ATTRIBUTE);
            }
            byte[] bytes;
            try (InputStream in = connection.getInputStream()) {
                bytes = readAll(in);
            }
            return new Lookup(copies, bytes, name, manifestDigest, null);
        } catch (IOException | RuntimeException e) {
            return new Lookup(copies, null, name, null, "cannot read the pinned config: " + e);
        }
    }

    /** {@code /opt/acme/acme.jar!/META-INF/tollgate.yml} for a jar entry, the path for a file. */
    private static String name(URL url) {
        String text = url.toString();
        if (text.startsWith("jar:file:")) {
            return text.substring("jar:file:".length());
        }
        if (text.startsWith("file:")) {
            return url.getPath();
        }
        return text;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
