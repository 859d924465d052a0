package dev.tollgate.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the classes that host code must see as one copy (the bridge, {@code UsageDeniedException},
 * {@code @Metered}, {@code Tollgate}) on the bootstrap class path, so that every class loader, whether
 * it is the system loader, a plugin's child loader or a Spring Boot launcher, resolves them to the
 * same class. An application that ships the annotations jar still gets these copies, because class
 * loaders ask their parents first; one that never heard of Tollgate (a retrofit) gets them from here.
 *
 * <p>Must run before the agent itself touches any of these classes. It reads them as resources of
 * the agent jar (which does not load them) into a private temporary jar.
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

    /** Writes the jar and appends it to the bootstrap class path. */
    public static void append(Instrumentation instrumentation) throws IOException {
        Path jar = write();
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }

    /** Writes the bootstrap classes into a new temporary jar, readable only by this user. */
    static Path write() throws IOException {
        Path jar = Files.createTempFile("tollgate-bootstrap-", ".jar");
        jar.toFile().deleteOnExit();
        ClassLoader own = BootstrapJar.class.getClassLoader();
        byte[] buffer = new byte[8192];
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (String name : CLASSES) {
                String entry = name + ".class";
                try (InputStream in = own == null ? ClassLoader.getSystemResourceAsStream(entry)
                        : own.getResourceAsStream(entry)) {
                    if (in == null) {
                        throw new IOException("the agent jar has no " + entry);
                    }
                    out.putNextEntry(new JarEntry(entry));
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        out.write(buffer, 0, n);
                    }
                    out.closeEntry();
                }
            }
        }
        return jar;
    }
}
