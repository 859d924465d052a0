package dev.tollgate.agent.instrument;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Whether any supertype of a class, up to the platform, mentions {@code @Metered}: only then can the
 * class inherit a metered method, and only then does Byte Buddy need to look at it. The supertypes are
 * not loaded (the JVM has not loaded them yet when their subclass is transformed); their class files
 * are read from the subclass's class loader, as Byte Buddy's type pool would read them, and peeked at
 * like the class itself. Answers are kept per class loader (held weakly), so each supertype is read
 * once; a supertype whose class file cannot be found cannot carry an annotation, as for Byte Buddy.
 *
 * <p>Without this, every class of an application that extends one of its own classes (in a large
 * application, most of them) made the agent build Byte Buddy and parse the class, although nothing in
 * the application is metered.
 */
final class Ancestry {

    /** Deeper than any real hierarchy; a longer chain (or a cycle in broken class files) is left to Byte Buddy. */
    private static final int MAX_DEPTH = 100;

    private final Map<ClassLoader, Map<String, Boolean>> known = new WeakHashMap<ClassLoader, Map<String, Boolean>>();
    private final ThreadLocal<Boolean> reading = new ThreadLocal<Boolean>();

    /**
     * Whether any of these supertypes (internal names), or theirs, mentions the annotation. {@code true} when
     * it cannot tell, so that Byte Buddy decides as before: also for a class loaded while this thread is
     * already reading class files here.
     */
    boolean mayInherit(ClassLoader loader, String[] supertypes) {
        if (reading.get() != null) {
            return true;
        }
        reading.set(Boolean.TRUE);
        try {
            Map<String, Boolean> cache;
            synchronized (known) {
                cache = known.get(loader);
                if (cache == null) {
                    cache = new HashMap<String, Boolean>();
                    known.put(loader, cache);
                }
            }
            for (String s : supertypes) {
                if (mentions(loader, cache, s, 0)) {
                    return true;
                }
            }
            return false;
        } finally {
            reading.remove();
        }
    }

    private boolean mentions(ClassLoader loader, Map<String, Boolean> cache, String type, int depth) {
        if (depth > MAX_DEPTH) {
            return true;
        }
        Boolean answer;
        synchronized (cache) {
            answer = cache.get(type);
        }
        if (answer != null) {
            return answer.booleanValue();
        }
        boolean result;
        byte[] bytes = read(loader, type);
        if (bytes == null) {
            result = false;
        } else {
            ClassPeek.Look look = ClassPeek.look(bytes);
            result = look.mentions;
            if (!result && look.supertypes != null) {
                for (String s : look.supertypes) {
                    if (mentions(loader, cache, s, depth + 1)) {
                        result = true;
                        break;
                    }
                }
            }
        }
        synchronized (cache) {
            cache.put(type, Boolean.valueOf(result));
        }
        return result;
    }

    private static byte[] read(ClassLoader loader, String type) {
        try {
            InputStream in = loader.getResourceAsStream(type + ".class");
            if (in == null) {
                return null;
            }
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                }
                return out.toByteArray();
            } finally {
                in.close();
            }
        } catch (IOException e) {
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
