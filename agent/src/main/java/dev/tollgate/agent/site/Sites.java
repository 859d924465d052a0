package dev.tollgate.agent.site;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The registry of sites, by id. Registration happens when a class is transformed; lookups happen on
 * every metered call, so {@link #get} is a plain array read. Registering the same method again (a
 * retransformation, or the same class in another class loader) returns the same site.
 *
 * <pre>{@code
 * Site s = sites.register("export", Site.COST_NOT_GIVEN, "com.acme.Reports", "export(java.lang.String)", "@Metered");
 * bindIntoAdvice(s.id());
 * }</pre>
 */
public final class Sites {

    /** Told about every new site, before its id is bound into any advice. */
    public interface Listener {
        void registered(Site site);
    }

    private final Map<String, Site> byMethod = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Site[] byId = new Site[16];
    private int size;

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Registers a metered method, or returns the site it already has.
     *
     * @param cost units per call, or {@link Site#COST_NOT_GIVEN} when the annotation or rule gave none
     */
    public Site register(String feature, int cost, String className, String method, String origin) {
        String key = className + "#" + method;
        Site site;
        synchronized (this) {
            site = byMethod.get(key);
            if (site != null) {
                return site;
            }
            site = new Site(size, feature, cost, className, method, origin);
            Site[] table = byId;
            if (size == table.length) {
                Site[] grown = new Site[table.length * 2];
                System.arraycopy(table, 0, grown, 0, table.length);
                table = grown;
            }
            table[size++] = site;
            byId = table;
            byMethod.put(key, site);
            for (Listener l : listeners) {
                l.registered(site);
            }
        }
        return site;
    }

    /** The site with this id, or {@code null}. */
    public Site get(int id) {
        Site[] table = byId;
        return id >= 0 && id < table.length ? table[id] : null;
    }

    /** All sites so far, in id order. */
    public synchronized List<Site> all() {
        List<Site> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            all.add(byId[i]);
        }
        return Collections.unmodifiableList(all);
    }
}
