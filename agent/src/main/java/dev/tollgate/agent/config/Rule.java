package dev.tollgate.agent.config;

/**
 * One retrofit rule from the {@code retrofit:} list of the config: which methods to meter, without
 * changing the product, and which feature each call charges. Immutable.
 *
 * <pre>{@code
 * retrofit:
 *   - method: com.acme.report.*Service#export*(java.lang.String, ..)
 *     feature: export
 *     cost: 2          # optional: else the feature's cost, else 1
 * }</pre>
 */
public final class Rule {

    private final int index;
    private final int line;
    private final String source;
    private final MethodPattern pattern;
    private final String feature;
    private final int cost;

    Rule(int index, int line, String source, MethodPattern pattern, String feature, int cost) {
        this.index = index;
        this.line = line;
        this.source = source;
        this.pattern = pattern;
        this.feature = feature;
        this.cost = cost;
    }

    /** The rule's place in the {@code retrofit:} list, from 0. */
    public int index() {
        return index;
    }

    /** The rule's line in the config file. */
    public int line() {
        return line;
    }

    public MethodPattern pattern() {
        return pattern;
    }

    /** The feature a call of a matched method charges. */
    public String feature() {
        return feature;
    }

    /** Units per call given by the rule; 0 when it gives none (the feature's cost applies). */
    public int cost() {
        return cost;
    }

    /** {@code retrofit[2]}, the rule's key in problems. */
    public String key() {
        return "retrofit[" + index + "]";
    }

    /** {@code retrofit rule /etc/acme/tollgate.yml:12}: where a site made by this rule came from. */
    public String origin() {
        return "retrofit rule " + source + ":" + line;
    }

    /** {@code /etc/acme/tollgate.yml:12: retrofit[2]}, to start a message about the rule. */
    public String location() {
        return source + ":" + line + ": " + key();
    }

    @Override
    public String toString() {
        return location() + ": " + pattern.text() + " -> " + feature + (cost > 0 ? " x" + cost : "");
    }
}
