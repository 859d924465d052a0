package dev.tollgate.agent.site;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the build-time weaver writes into every class it wove, and what the runtime checks before it registers
 * the class's sites: a format version and facts the runtime must verify. The weaver records the digest of the
 * vendor's pinned config ({@value #CONFIG_DIGEST}) and of the vendor's grant key ({@value #GRANT_KEY_DIGEST})
 * when the woven folder holds them; the runtime denies every call of the class unless the pinned config in use
 * has that digest, and takes no grants unless the grant key on the class path has that digest.
 *
 * <pre>{@code
 * String stamp = WovenStamp.write(Collections.singletonMap("config-sha256", "sha256:9f86d0..."));
 * WovenStamp read = WovenStamp.read(stamp);   // problem() == null, configDigest() == "sha256:9f86d0..."
 * }</pre>
 *
 * The format is {@code tollgate-weave/1} followed by {@code ;key=value} entries. A runtime that meets an entry it
 * does not know denies the class's calls: an older runtime must never ignore a fact it cannot check.
 */
public final class WovenStamp {

    /** The format this runtime reads and the weaver writes. */
    public static final String VERSION = "tollgate-weave/1";

    /** The entry with the digest of the pinned config ({@code META-INF/tollgate.yml}) the class was woven with. */
    public static final String CONFIG_DIGEST = "config-sha256";
    /** The entry with the digest of the grant key ({@code META-INF/tollgate/grant-key.pub}) woven with. */
    public static final String GRANT_KEY_DIGEST = "grant-key-sha256";

    /** The entries this runtime can check. */
    private static final List<String> KNOWN = Arrays.asList(CONFIG_DIGEST, GRANT_KEY_DIGEST);

    private final Map<String, String> entries;
    private final String problem;

    private WovenStamp(Map<String, String> entries, String problem) {
        this.entries = entries;
        this.problem = problem;
    }

    /** The stamp for these entries (in order); each key and value is free of {@code ;} and {@code =}. */
    public static String write(Map<String, String> entries) {
        StringBuilder s = new StringBuilder(VERSION);
        for (Map.Entry<String, String> e : entries.entrySet()) {
            s.append(';').append(e.getKey()).append('=').append(e.getValue());
        }
        return s.toString();
    }

    /** Reads a stamp; {@link #problem()} says why a class with it must be denied, or is {@code null}. */
    public static WovenStamp read(String stamp) {
        Map<String, String> entries = new LinkedHashMap<String, String>();
        if (stamp == null) {
            return new WovenStamp(entries, "it carries no weaving stamp");
        }
        String[] parts = stamp.split(";", -1);
        if (!VERSION.equals(parts[0])) {
            return new WovenStamp(entries, "it was woven as " + parts[0] + ", which this runtime (" + VERSION
                    + ") cannot read: use the tollgate-agent of the weaver's version");
        }
        List<String> unknown = new ArrayList<String>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            String key = eq < 0 ? parts[i] : parts[i].substring(0, eq);
            entries.put(key, eq < 0 ? "" : parts[i].substring(eq + 1));
            if (!KNOWN.contains(key)) {
                unknown.add(key);
            }
        }
        String problem = unknown.isEmpty() ? null : "it was woven with " + unknown
                + ", which this runtime cannot check: use the tollgate-agent of the weaver's version";
        return new WovenStamp(Collections.unmodifiableMap(entries), problem);
    }

    /** The entries after the version, in order. */
    public Map<String, String> entries() {
        return entries;
    }

    /** The digest of the pinned config the class was woven with ({@value #CONFIG_DIGEST}), or {@code null}. */
    public String configDigest() {
        return entries.get(CONFIG_DIGEST);
    }

    /** The digest of the grant key the class was woven with ({@value #GRANT_KEY_DIGEST}), or {@code null}. */
    public String grantKeyDigest() {
        return entries.get(GRANT_KEY_DIGEST);
    }

    /** Why the class's calls must be denied, or {@code null}. */
    public String problem() {
        return problem;
    }
}
