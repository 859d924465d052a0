package dev.tollgate.agent.instrument;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import dev.tollgate.agent.rules.ClassShape;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * The class files of some jars and folders, read as the agent reads classes at load time (Byte Buddy's type
 * pool, {@link TypeShape}) but from the files alone: nothing is loaded or run. Supertypes are looked up in
 * the same jars and folders, then in the Java platform. For {@code check}'s dry run.
 *
 * <pre>{@code
 * try (ClassFiles files = ClassFiles.open(paths)) {
 *     for (String name : files.classNames(bad)) {
 *         Decision d = MeteringRules.decide(files.describe(name), rules);
 *     }
 * }
 * }</pre>
 */
public final class ClassFiles implements Closeable {

    /** Tollgate's own classes that class files refer to, for annotation values and exception supertypes. */
    private static final String[] OWN = {"dev.tollgate.Metered", "dev.tollgate.UsageDeniedException"};

    private final Map<Path, String> unreadable = new LinkedHashMap<>();
    private final List<JarFile> jars = new ArrayList<>();
    private final List<Path> folders = new ArrayList<>();
    private final TypePool pool;

    private ClassFiles(List<Path> paths) {
        List<ClassFileLocator> locators = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                folders.add(path);
                locators.add(new ClassFileLocator.ForFolder(path.toFile()));
            } else if (!Files.exists(path)) {
                unreadable.put(path, "not found");
            } else {
                try {
                    JarFile jar = new JarFile(path.toFile());
                    jars.add(jar);
                    locators.add(new ClassFileLocator.ForJarFile(jar));
                } catch (IOException | RuntimeException e) {
                    unreadable.put(path, "not a readable jar (" + e.getMessage() + ")");
                }
            }
        }
        locators.add(own());
        locators.add(ClassFileLocator.ForClassLoader.ofPlatformLoader());
        pool = new TypePool.Default.WithLazyResolution(TypePool.CacheProvider.Simple.withObjectType(),
                new ClassFileLocator.Compound(locators), TypePool.Default.ReaderMode.FAST);
    }

    /** Opens jars and folders; those that cannot be read are in {@link #unreadable()}. */
    public static ClassFiles open(List<Path> paths) {
        return new ClassFiles(paths);
    }

    /** Paths given to {@link #open} that could not be read, with the reason. */
    public Map<Path, String> unreadable() {
        return Collections.unmodifiableMap(unreadable);
    }

    public int jars() {
        return jars.size();
    }

    public int folders() {
        return folders.size();
    }

    /** The binary names of the classes in the jars and folders, sorted; folders that cannot be listed go to {@code bad}. */
    public TreeSet<String> classNames(List<String> bad) {
        TreeSet<String> names = new TreeSet<>();
        for (JarFile jar : jars) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                add(entries.nextElement().getName(), names);
            }
        }
        for (Path folder : folders) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.filter(Files::isRegularFile).forEach(f -> add(folder.relativize(f).toString()
                        .replace(f.getFileSystem().getSeparator(), "/"), names));
            } catch (IOException | RuntimeException e) {
                bad.add(folder + ": cannot be listed (" + e.getMessage() + ")");
            }
        }
        return names;
    }

    /** The class as the rules see it, read lazily; {@code null} when its class file cannot be read at all. */
    public ClassShape describe(String name) {
        TypePool.Resolution resolution = pool.describe(name);
        return resolution.isResolved() ? TypeShape.of(resolution.resolve()) : null;
    }

    /** Whether a configured denial exception can be built, as the agent checks it at startup. */
    public ExceptionTypes.Verdict checkException(String className) {
        return ExceptionTypes.check(className, pool);
    }

    private static void add(String entry, TreeSet<String> names) {
        if (!entry.endsWith(".class") || entry.startsWith("META-INF/") || entry.endsWith("module-info.class")
                || entry.endsWith("package-info.class")) {
            return;
        }
        names.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
    }

    private static ClassFileLocator own() {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        ClassLoader loader = ClassFiles.class.getClassLoader();
        for (String name : OWN) {
            String resource = name.replace('.', '/') + ".class";
            try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                    : loader.getResourceAsStream(resource)) {
                if (in != null) {
                    classes.put(name, readAll(in));
                }
            } catch (IOException e) {
                // Then a class file of the jars must provide it; without it @Metered's default cost cannot be read.
            }
        }
        return new ClassFileLocator.Simple(classes);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        for (JarFile jar : jars) {
            try {
                jar.close();
            } catch (IOException ignored) {
                // read-only; nothing to lose
            }
        }
    }
}
