package dev.tollgate.agent.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.tollgate.agent.config.Rule;

/**
 * One method that is metered, as {@link MeteringRules} decided it: which method, the feature each call
 * charges, the cost if the annotation or rule gives one, and where that came from. The weavers register a
 * site for it and weave it; {@code check} prints it. Immutable.
 *
 * <pre>{@code
 * for (MeteredMethod m : decision.metered()) {
 *     sites.register(m.feature(), m.cost(), m.className(), m.method(), m.origin());
 * }
 * }</pre>
 */
public final class MeteredMethod {

    /** {@link #cost()} when the annotation or rule gives none: the feature's cost applies. */
    public static final int COST_NOT_GIVEN = 0;

    private final String className;
    private final String name;
    private final String descriptor;
    private final String method;
    private final String feature;
    private final int cost;
    private final String origin;
    private final Rule rule;
    private final List<Rule> shadowed;

    MeteredMethod(String className, String name, String descriptor, String method, String feature, int cost,
            String origin, Rule rule, List<Rule> shadowed) {
        this.className = className;
        this.name = name;
        this.descriptor = descriptor;
        this.method = method;
        this.feature = feature;
        this.cost = cost;
        this.origin = origin;
        this.rule = rule;
        this.shadowed = shadowed;
    }

    /** The same method, decided by its annotation, with the rules that matched it too but lost. */
    MeteredMethod shadowing(List<Rule> rules) {
        return new MeteredMethod(className, name, descriptor, method, feature, cost, origin, rule, rules);
    }

    /** The declaring class's binary name. */
    public String className() {
        return className;
    }

    /** The method's name in the class file. */
    public String name() {
        return name;
    }

    /** The method's descriptor in the class file: with {@link #name()}, what a weaver looks it up by. */
    public String descriptor() {
        return descriptor;
    }

    /** {@code export(java.lang.String, int)}: the name and erased parameter types, as sites and messages show it. */
    public String method() {
        return method;
    }

    /** The feature a call charges. */
    public String feature() {
        return feature;
    }

    /** Units per call given by the annotation or rule; {@link #COST_NOT_GIVEN} (0) when it gives none. */
    public int cost() {
        return cost;
    }

    /** Whether the annotation or rule gives the cost (else the feature's cost applies). */
    public boolean costGiven() {
        return cost != COST_NOT_GIVEN;
    }

    /** {@code @Metered}, {@code @Metered on com.acme.Exporter}, {@code retrofit rule tollgate.yml:12}, ... */
    public String origin() {
        return origin;
    }

    /** The rule that decided, or {@code null} when an annotation did. */
    public Rule rule() {
        return rule;
    }

    /** Rules that matched the method too but lost to the annotation or to an earlier rule, in config order. */
    public List<Rule> shadowed() {
        return shadowed;
    }

    /** The origins of {@link #shadowed()}: the method is charged once, by {@link #origin()}. */
    public List<String> alsoMatchedBy() {
        if (shadowed.isEmpty()) {
            return Collections.emptyList();
        }
        List<String> origins = new ArrayList<String>(shadowed.size());
        for (Rule r : shadowed) {
            origins.add(r.origin());
        }
        return origins;
    }

    @Override
    public String toString() {
        return className + "#" + method + " -> " + feature + (costGiven() ? " x" + cost : "") + " (" + origin + ")";
    }
}
