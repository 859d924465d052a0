package dev.tollgate.agent.site;

/**
 * One metered method, resolved once when its class is loaded: which feature it charges and how many
 * units. An annotation and a retrofit rule produce the same kind of site; after this point nothing
 * cares where it came from. Immutable.
 */
public final class Site {

    private final int id;
    private final String feature;
    private final int cost;
    private final String className;
    private final String method;
    private final String origin;

    Site(int id, String feature, int cost, String className, String method, String origin) {
        this.id = id;
        this.feature = feature;
        this.cost = cost;
        this.className = className;
        this.method = method;
        this.origin = origin;
    }

    /** The id bound into the advice as a constant. */
    public int id() {
        return id;
    }

    public String feature() {
        return feature;
    }

    /** Units per call given by the annotation or rule; 0 when it gave none (the feature's cost applies). */
    public int cost() {
        return cost;
    }

    /** The declaring class's binary name. */
    public String className() {
        return className;
    }

    /** The method's name and parameter types, e.g. {@code export(java.lang.String, int)}. */
    public String method() {
        return method;
    }

    /** Where the site came from, e.g. {@code @Metered} or {@code @Metered on com.acme.Exporter}. */
    public String origin() {
        return origin;
    }

    /** {@code com.acme.Reports#export(java.lang.String)}, for messages. */
    public String describe() {
        return className + "#" + method;
    }

    @Override
    public String toString() {
        return "site " + id + " " + describe() + " -> " + feature + (cost > 0 ? " x" + cost : "") + " (" + origin + ")";
    }
}
