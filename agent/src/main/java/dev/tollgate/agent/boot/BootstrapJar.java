package dev.tollgate.agent.boot;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.CodeSource;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * Puts the classes that host code must see as one copy (the bridge, {@code UsageDeniedException},
 * {@code @Metered}, {@code Tollgate}) on the bootstrap class path, so that every class loader, whether
 * it is the system loader, a plugin's child loader or a Spring Boot launcher, resolves them to the
 * same class. An application that ships the annotations jar still gets these copies, because class
 * loaders ask their parents first; one that never heard of Tollgate (a retrofit) gets them from here.
 *
 * <p>Must run before the agent itself touches any of these classes. It reads them from the agent jar
 * (which does not load them) into a small jar of their own (see {@link #write}).
 */
public final class BootstrapJar {

    static final String[] CLASSES = {
        "dev/tollgate/Metered",
        "dev/tollgate/UsageDeniedException",
        "dev/tollgate/UsageDeniedException$Reason",
        "dev/tollgate/Tollgate",
        "dev/tollgate/agent/bridge/Bridge",
        "dev/tollgate/agent/bridge/Gate",
    };

    private BootstrapJar() {
    }

    /** Writes (or finds) the jar and appends it to the bootstrap class path. */
    public static void append(Instrumentation instrumentation) throws IOException {
        Path jar = write(cacheDir());
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }

    /** {@code ~/.tollgate/bootstrap}, where the jar is kept between runs; {@code null} without a home. */
    static Path cacheDir() {
        String home = System.getProperty("user.home");
        return home == null || home.isEmpty() || home.equals("?") ? null : Paths.get(home, ".tollgate", "bootstrap");
    }

    /**
     * The jar of the bootstrap classes, written by hand, uncompressed: {@code Files.createTempFile} and
     * {@code JarOutputStream} would cost tens of milliseconds of every product's startup in secure-random
     * seeding and time-zone loading.
     *
     * <p>It is kept in {@code cacheDir} under a name made of its length and checksum, and used again by
     * later runs while its bytes are exactly these; so a product killed with -9 leaves nothing behind.
     * When that folder cannot be used, the jar goes into the temporary folder under a new name, created
     * exclusively (so nothing planted under that name is ever used), and is deleted when the JVM exits.
     */
    static Path write(Path cacheDir) throws IOException {
        byte[] bytes = bytes();
        if (cacheDir != null) {
            try {
                return cached(cacheDir, bytes);
            } catch (IOException | RuntimeException e) {
                // A read-only or foreign home: fall back to a private temporary file.
            }
        }
        return temporary(bytes);
    }

    private static byte[] bytes() throws IOException {
        StoredZip zip = new StoredZip();
        JarFile agent = agentJar();
        try {
            for (String name : CLASSES) {
                String entry = name + ".class";
                try (InputStream in = open(agent, entry)) {
                    if (in == null) {
                        throw new IOException("the agent jar has no " + entry);
                    }
                    zip.add(entry, readAll(in));
                }
            }
        } finally {
            if (agent != null) {
                agent.close();
            }
        }
        return zip.finish();
    }

    private static Path cached(Path dir, byte[] bytes) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        Path jar = dir.resolve("bootstrap-" + bytes.length + "-" + Long.toHexString(crc.getValue()) + ".jar");
        if (Files.isRegularFile(jar) && Files.size(jar) == bytes.length
                && java.util.Arrays.equals(Files.readAllBytes(jar), bytes)) {
            return jar;
        }
        Files.createDirectories(dir);
        Path partial = exclusive(dir, "bootstrap-", ".partial", bytes);
        try {
            // Another JVM may be writing the same bytes at the same moment: either copy will do.
            Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        return jar;
    }

    private static Path temporary(byte[] bytes) throws IOException {
        Path jar = exclusive(Paths.get(System.getProperty("java.io.tmpdir")), "tollgate-bootstrap-", ".jar", bytes);
        jar.toFile().deleteOnExit();
        return jar;
    }

    /** Writes {@code bytes} into a new file of {@code dir}, under a name no other file has. */
    private static Path exclusive(Path dir, String prefix, String suffix, byte[] bytes) throws IOException {
        long seed = System.nanoTime() ^ ((long) System.identityHashCode(bytes) << 32);
        for (int attempt = 0; ; attempt++) {
            Path file = dir.resolve(prefix + Long.toHexString(seed + attempt * 0x9E3779B97F4A7C15L) + suffix);
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(bytes);
                return file;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }

    /**
     * The agent's own jar, opened directly: the class loader has it open already, so this shares the
     * parsed directory, and it skips the URL connection machinery that reading through
     * {@code getResourceAsStream} starts (a dozen classes more on every product's premain). {@code null}
     * when the agent does not run from a jar file (its classes in a folder, in tests).
     */
    private static JarFile agentJar() {
        try {
            CodeSource source = BootstrapJar.class.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null || !"file".equals(location.getProtocol())) {
                return null;
            }
            File file = new File(location.toURI());
            return file.isFile() ? new JarFile(file, false) : null;
        } catch (Exception e) {
            return null; // a security manager, an odd location: read through the class loader
        }
    }

    private static InputStream open(JarFile agent, String entry) throws IOException {
        if (agent != null) {
            ZipEntry e = agent.getEntry(entry);
            return e == null ? null : agent.getInputStream(e);
        }
        ClassLoader own = BootstrapJar.class.getClassLoader();
        return own == null ? ClassLoader.getSystemResourceAsStream(entry) : own.getResourceAsStream(entry);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** The smallest valid zip: stored (uncompressed) entries, a fixed timestamp, a central directory. */
    static final class StoredZip {
        private static final int DOS_TIME = 0;          // 00:00:00
        private static final int DOS_DATE = (20 << 9) | (1 << 5) | 1; // 2000-01-01
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream central = new ByteArrayOutputStream();
        private int entries;

        void add(String name, byte[] data) {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(data, 0, data.length);
            int offset = out.size();
            int c = (int) crc.getValue();
            // local file header
            u4(out, 0x04034b50); u2(out, 10); u2(out, 0x0800); u2(out, 0); u2(out, DOS_TIME); u2(out, DOS_DATE);
            u4(out, c); u4(out, data.length); u4(out, data.length); u2(out, n.length); u2(out, 0);
            out.write(n, 0, n.length);
            out.write(data, 0, data.length);
            // central directory entry
            u4(central, 0x02014b50); u2(central, 20); u2(central, 10); u2(central, 0x0800); u2(central, 0);
            u2(central, DOS_TIME); u2(central, DOS_DATE); u4(central, c); u4(central, data.length);
            u4(central, data.length); u2(central, n.length); u2(central, 0); u2(central, 0); u2(central, 0);
            u2(central, 0); u4(central, 0); u4(central, offset);
            central.write(n, 0, n.length);
            entries++;
        }

        byte[] finish() {
            int start = out.size();
            byte[] dir = central.toByteArray();
            out.write(dir, 0, dir.length);
            u4(out, 0x06054b50); u2(out, 0); u2(out, 0); u2(out, entries); u2(out, entries);
            u4(out, dir.length); u4(out, start); u2(out, 0);
            return out.toByteArray();
        }

        private static void u2(ByteArrayOutputStream o, int v) {
            o.write(v & 0xFF);
            o.write((v >>> 8) & 0xFF);
        }

        private static void u4(ByteArrayOutputStream o, int v) {
            u2(o, v & 0xFFFF);
            u2(o, (v >>> 16) & 0xFFFF);
        }
    }
}
