package dev.tollgate.agent.instrument;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

import dev.tollgate.agent.log.Log;
import dev.tollgate.agent.rules.RetrofitRules;
import dev.tollgate.agent.site.Sites;

/**
 * After an attach: retransforms the classes that were loaded before the agent, so that their metered
 * methods are charged from now on (classes loaded later go through the installed transformer anyway).
 *
 * <p>Candidates are found cheaply and with the transformer's own pre-filter ({@link Installer#mayBeMetered}):
 * classes of the bootstrap and platform loaders, ignored names and classes the JVM cannot modify are skipped;
 * for the rest the class file is read as a resource of its loader and peeked at. A class whose bytes cannot
 * be read that way (generated, or from a loader without resources) is retransformed anyway: the transformer
 * then sees its real bytes. Candidates are retransformed in batches; a batch that fails is retried one class
 * at a time, so one bad class costs only itself. Nothing is thrown: failures are counted and each is
 * reported once.
 *
 * <p>A call that is running while its class is retransformed finishes in the old code (the JVM keeps active
 * frames on the bytecode they started with), so it runs neither the enter nor the exit advice: it is not
 * charged and leaves the thread's re-entrancy depth as it was. Calls it makes after the retransformation are
 * charged as outermost calls.
 *
 * <pre>{@code
 * Installer.Installation installed = Installer.install(instrumentation, sites);
 * LoadedClasses.Report report = LoadedClasses.retransform(instrumentation, installed, sites);
 * Log.info(report.toString());
 * }</pre>
 */
public final class LoadedClasses {

    /** Classes per {@code retransformClasses} call: one JVM operation each, not one per class. */
    static final int BATCH = 100;
    /** How many failed class names a report lists. */
    private static final int NAMED_FAILURES = 5;

    private LoadedClasses() {
    }

    /** What a retransformation did. */
    public static final class Report {
        final boolean supported;
        final int loaded;
        final int candidates;
        final int failed;
        final int meteredMethods;
        final List<String> failedNames;

        Report(boolean supported, int loaded, int candidates, int failed, int meteredMethods, List<String> failedNames) {
            this.supported = supported;
            this.loaded = loaded;
            this.candidates = candidates;
            this.failed = failed;
            this.meteredMethods = meteredMethods;
            this.failedNames = failedNames;
        }

        /** Classes that could not be retransformed (or whose transformation failed); they stay unmetered. */
        public int failed() {
            return failed;
        }

        @Override
        public String toString() {
            if (!supported) {
                return "this JVM cannot retransform classes: classes loaded before the attach are not metered, "
                        + "classes loaded from now on are";
            }
            return "retransformed " + candidates + " of " + loaded + " loaded classes (those that may have metered "
                    + "methods); " + meteredMethods + " metered method(s) known; " + failed + " failed"
                    + (failedNames.isEmpty() ? "" : " (" + String.join(", ", failedNames)
                    + (failed > failedNames.size() ? ", ..." : "") + ")");
        }
    }

    /** Retransforms every loaded class that may have metered methods; never throws. */
    public static Report retransform(Instrumentation instrumentation, Installer.Installation installation,
            Sites sites) {
        Class<?>[] loaded;
        try {
            loaded = instrumentation.getAllLoadedClasses();
        } catch (Throwable t) {
            Log.warn("cannot list the loaded classes (" + t + "); classes loaded before the attach are not metered");
            loaded = new Class<?>[0];
        }
        return retransform(instrumentation, loaded, installation, sites);
    }

    /** As {@link #retransform(Instrumentation, Installer.Installation, Sites)}, for these classes only (tests). */
    static Report retransform(Instrumentation instrumentation, Class<?>[] loaded, Installer.Installation installation,
            Sites sites) {
        if (!instrumentation.isRetransformClassesSupported()) {
            return new Report(false, loaded.length, 0, 0, sites.all().size(), new ArrayList<String>());
        }
        ClassLoader platform = platformLoader();
        List<Class<?>> candidates = new ArrayList<>();
        for (Class<?> c : loaded) {
            if (candidate(instrumentation, c, platform, installation.rules())) {
                candidates.add(c);
            }
        }
        int errorsBefore = installation.errors();
        List<String> failedNames = new ArrayList<>();
        int thrown = 0;
        for (int from = 0; from < candidates.size(); from += BATCH) {
            List<Class<?>> batch = candidates.subList(from, Math.min(from + BATCH, candidates.size()));
            if (retransform(instrumentation, batch.toArray(new Class<?>[0])) == null) {
                continue;
            }
            // The JVM retransformed none of the batch; find the classes that fail, one by one.
            for (Class<?> c : batch) {
                Throwable t = retransform(instrumentation, new Class<?>[] {c});
                if (t != null) {
                    thrown++;
                    if (failedNames.size() < NAMED_FAILURES) {
                        failedNames.add(c.getName());
                    }
                    Log.warnOnce("retransform:" + c.getName(), "could not meter the already loaded class "
                            + c.getName() + " (" + t + "); it stays unmetered until the JVM restarts");
                }
            }
        }
        int transformErrors = Math.max(0, installation.errors() - errorsBefore);
        return new Report(true, loaded.length, candidates.size(), thrown + transformErrors, sites.all().size(),
                failedNames);
    }

    /** {@code null} when the classes were retransformed, else what the JVM threw. */
    private static Throwable retransform(Instrumentation instrumentation, Class<?>[] classes) {
        try {
            instrumentation.retransformClasses(classes);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Whether {@code c} may have metered methods and can be retransformed. */
    static boolean candidate(Instrumentation instrumentation, Class<?> c, ClassLoader platform, RetrofitRules rules) {
        try {
            ClassLoader loader = c.getClassLoader();
            if (loader == null || loader == platform || c.isArray() || c.isPrimitive()) {
                return false;
            }
            String internalName = c.getName().replace('.', '/');
            if (Installer.ignoredName(internalName) || !instrumentation.isModifiableClass(c)) {
                return false;
            }
            return Installer.mayBeMetered(loader, internalName, classFile(loader, internalName), rules);
        } catch (Throwable t) {
            return false;
        }
    }

    /** The class file as a resource of its loader, or {@code null} when it cannot be read. */
    static byte[] classFile(ClassLoader loader, String internalName) {
        try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (Throwable t) {
            return null;
        }
    }

    /** The platform class loader (Java 9+), whose classes are never metered; {@code null} on Java 8. */
    private static ClassLoader platformLoader() {
        try {
            return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
        } catch (Throwable t) {
            return null;
        }
    }
}
