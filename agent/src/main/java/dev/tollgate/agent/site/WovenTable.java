package dev.tollgate.agent.site;

/**
 * The metered methods of a class woven at build time, as the weaver writes them into the class (one string
 * constant) and as the runtime registers them when the class makes its first metered call. Entry {@code i} is
 * the method whose woven code asks for site {@code i}.
 *
 * <pre>{@code
 * WovenTable t = new WovenTable();
 * t.add("export", 0, "com.acme.Reports", "export(java.nio.file.Path)", "@Metered");
 * String constant = t.toString();                         // written into com.acme.Reports
 * int[] ids = WovenTable.register(constant, sites);       // at run time: ids[0] is export's site
 * }</pre>
 *
 * Fields are separated by a tab and entries by a newline; the weaver refuses names that contain either.
 */
public final class WovenTable {

    private static final char FIELD = '\t';
    private static final char ENTRY = '\n';

    private final StringBuilder text = new StringBuilder();
    private int size;

    /** Adds the next entry; {@code cost} 0 means the feature's cost. */
    public WovenTable add(String feature, int cost, String className, String method, String origin) {
        String[] fields = {feature, String.valueOf(cost), className, method, origin};
        if (size > 0) {
            text.append(ENTRY);
        }
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].indexOf(FIELD) >= 0 || fields[i].indexOf(ENTRY) >= 0) {
                throw new IllegalArgumentException("a tab or line break in " + fields[i] + " cannot be woven");
            }
            text.append(i == 0 ? "" : String.valueOf(FIELD)).append(fields[i]);
        }
        size++;
        return this;
    }

    /** How many entries were added. */
    public int size() {
        return size;
    }

    @Override
    public String toString() {
        return text.toString();
    }

    /** Registers every entry of a woven class's table; the site ids, by entry. */
    public static int[] register(String table, Sites sites) {
        String[] entries = table.split(String.valueOf(ENTRY), -1);
        int[] ids = new int[entries.length];
        for (int i = 0; i < entries.length; i++) {
            String[] f = entries[i].split(String.valueOf(FIELD), -1);
            if (f.length != 5) {
                throw new IllegalArgumentException("entry " + i + " of a woven class's table is malformed");
            }
            ids[i] = sites.register(f[0], Integer.parseInt(f[1]), f[2], f[3], f[4]).id();
        }
        return ids;
    }
}
