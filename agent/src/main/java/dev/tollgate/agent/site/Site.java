package dev.tollgate.agent.site;

/**
 * One metered method, resolved once when its class is loaded: which feature it charges and how many
 * units. An annotation and a retrofit rule produce the same kind of site; after this point nothing
 * cares where it came from. Immutable.
 */
public final class Site {

    /**
     * The cost of a site whose annotation or rule gave none: the feature's {@code cost} applies, resolved by
     * {@link #costOr} when the site is metered. The same value as the rules' {@code MeteredMethod.COST_NOT_GIVEN}.
     */
    public static final int COST_NOT_GIVEN = 0;

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

    /** Units per call given by the annotation or rule; {@link #COST_NOT_GIVEN} when it gave none. */
    public int cost() {
        return cost;
    }

    /** Whether the annotation or rule gave a cost. */
    public boolean costGiven() {
        return cost != COST_NOT_GIVEN;
    }

    /**
     * Units per call: the cost given, else {@code featureCost}.
     *
     * <pre>{@code
     * site.costOr(feature.cost());   // 5 for @Metered(value = "export", cost = 5); the feature's cost for @Metered("export")
     * }</pre>
     */
    public int costOr(int featureCost) {
        return costGiven() ? cost : featureCost;
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
        return "site " + id + " " + describe() + " -> " + feature + (costGiven() ? " x" + cost : "") + " (" + origin + ")";
    }
}
