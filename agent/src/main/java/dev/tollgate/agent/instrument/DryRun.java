package dev.tollgate.agent.instrument;

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

import dev.tollgate.agent.config.Rule;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * What the agent would meter in some jars and folders, found exactly as the agent finds it at class-load
 * time ({@link MeteredMethods}) but from the class files alone: nothing is loaded or run. Supertypes are
 * looked up in the same jars and folders, then in the Java platform.
 *
 * <pre>{@code
 * try (DryRun dry = DryRun.open(paths)) {
 *     DryRun.Report report = dry.scan(config.rules());
 *     report.metered().forEach(...);
 * }
 * }</pre>
 */
public final class DryRun implements Closeable {

    /** Tollgate's own classes that class files refer to, for annotation values and exception supertypes. */
    private static final String[] OWN = {"dev.tollgate.Metered", "dev.tollgate.UsageDeniedException"};

    /** One method that would be metered. */
    public static final class Metered {
        private final String className;
        private final String method;
        private final String feature;
        private final int cost;
        private final String origin;
        private final List<String> alsoMatchedBy;

        Metered(String className, String method, String feature, int cost, String origin, List<String> alsoMatchedBy) {
            this.className = className;
            this.method = method;
            this.feature = feature;
            this.cost = cost;
            this.origin = origin;
            this.alsoMatchedBy = alsoMatchedBy;
        }

        /** The declaring class's binary name. */
        public String className() {
            return className;
        }

        /** {@code export(java.lang.String, int)}. */
        public String method() {
            return method;
        }

        public String feature() {
            return feature;
        }

        /** Units per call given by the annotation or rule; 0 when it gives none (the feature's cost applies). */
        public int cost() {
            return cost;
        }

        /** {@code @Metered}, {@code retrofit rule tollgate.yml:12}, ... */
        public String origin() {
            return origin;
        }

        /** Origins of rules that matched the method too but lost (it is charged once, by {@link #origin()}). */
        public List<String> alsoMatchedBy() {
            return alsoMatchedBy;
        }
    }

    /** The outcome of a scan. */
    public static final class Report {
        private final List<Metered> metered;
        private final List<String> refused;
        private final List<Rule> unmatched;
        private final List<String> unreadableClasses;
        private final List<String> missingSupertypes;
        private final int classes;

        Report(List<Metered> metered, List<String> refused, List<Rule> unmatched, List<String> unreadableClasses,
                List<String> missingSupertypes, int classes) {
            this.metered = Collections.unmodifiableList(metered);
            this.refused = Collections.unmodifiableList(refused);
            this.unmatched = Collections.unmodifiableList(unmatched);
            this.unreadableClasses = Collections.unmodifiableList(unreadableClasses);
            this.missingSupertypes = Collections.unmodifiableList(missingSupertypes);
            this.classes = classes;
        }

        /** Every method that would be metered, by class name and then in declaration order. */
        public List<Metered> metered() {
            return metered;
        }

        /** Annotations and rules the agent would refuse, with the reason, as it would print them. */
        public List<String> refused() {
            return refused;
        }

        /** Rules that matched no method in the scanned classes. */
        public List<Rule> unmatched() {
            return unmatched;
        }

        /** Class files that could not be read, each {@code name: reason}. */
        public List<String> unreadableClasses() {
            return unreadableClasses;
        }

        /**
         * Supertypes (outside the Java platform) of scanned classes that are in none of the jars and folders:
         * '+' rules and inherited {@code @Metered} cannot see beyond them, so the scan may miss methods.
         */
        public List<String> missingSupertypes() {
            return missingSupertypes;
        }

        /** How many classes were looked at. */
        public int classes() {
            return classes;
        }
    }

    private final Map<Path, String> unreadable = new LinkedHashMap<>();
    private final List<JarFile> jars = new ArrayList<>();
    private final List<Path> folders = new ArrayList<>();
    private final TypePool pool;

    private DryRun(List<Path> paths) {
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
    public static DryRun open(List<Path> paths) {
        return new DryRun(paths);
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

    /** Finds every method that {@code @Metered} or {@code rules} would meter in the opened jars and folders. */
    public Report scan(List<Rule> rules) {
        RetrofitRules tracked = new RetrofitRules(rules);
        List<Metered> metered = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        TreeSet<String> missing = new TreeSet<>();
        TreeSet<String> names = classNames(bad);
        for (String name : names) {
            TypePool.Resolution resolution = pool.describe(name);
            if (!resolution.isResolved()) {
                bad.add(name + ": cannot be read");
                continue;
            }
            try {
                TypeDescription type = resolution.resolve();
                if (type.isAnnotation()) {
                    continue;
                }
                MeteredMethods.supertypeNames(type, missing);
                MeteredMethods.Result result = MeteredMethods.find(type, tracked.all());
                refused.addAll(result.refused);
                for (MeteredMethods.Found f : result.metered) {
                    tracked.matched(f);
                    List<String> also = new ArrayList<>();
                    for (Rule r : f.shadowed) {
                        also.add(r.origin());
                    }
                    metered.add(new Metered(type.getName(), MeteredMethods.signature(f.method), f.feature, f.cost,
                            f.origin, also));
                }
            } catch (RuntimeException e) {
                bad.add(name + ": " + e);
            }
        }
        return new Report(metered, refused, tracked.unmatched(), bad, new ArrayList<>(missing), names.size());
    }

    /** Whether a configured denial exception can be built, as the agent checks it at startup. */
    public ExceptionTypes.Verdict checkException(String className) {
        return ExceptionTypes.check(className, pool);
    }

    private TreeSet<String> classNames(List<String> bad) {
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

    private static void add(String entry, TreeSet<String> names) {
        if (!entry.endsWith(".class") || entry.startsWith("META-INF/") || entry.endsWith("module-info.class")
                || entry.endsWith("package-info.class")) {
            return;
        }
        names.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
    }

    private static ClassFileLocator own() {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        ClassLoader loader = DryRun.class.getClassLoader();
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
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
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
