package dev.tollgate.agent.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

import dev.tollgate.agent.config.Rule;

/**
 * The config's retrofit rules as the transformer uses them: a cheap name check for the pre-filter, and
 * a record of which rules matched a method so far, so that a rule that never matched can be reported.
 *
 * <pre>{@code
 * RetrofitRules rules = new RetrofitRules(config.rules());
 * Installer.install(instrumentation, sites, rules);
 * ...
 * for (Rule r : rules.unmatched()) { ... }   // at exit
 * }</pre>
 */
public final class RetrofitRules {

    /** No rules. */
    public static final RetrofitRules NONE = new RetrofitRules(Collections.<Rule>emptyList());

    private final List<Rule> rules;
    private final AtomicIntegerArray matched;
    private final boolean subtypeRules;

    public RetrofitRules(List<Rule> rules) {
        this.rules = Collections.unmodifiableList(new ArrayList<>(rules));
        this.matched = new AtomicIntegerArray(Math.max(1, rules.size()));
        boolean any = false;
        for (Rule r : rules) {
            any |= r.pattern().subtypes();
        }
        this.subtypeRules = any;
    }

    public List<Rule> all() {
        return rules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Whether any rule reaches subtypes ('+'), so that classes with application supertypes need a look. */
    public boolean hasSubtypeRules() {
        return subtypeRules;
    }

    /**
     * Whether a rule could match methods of the class with this internal name ({@code com/acme/Merger})
     * by the name alone; subtypes of a '+' rule's type are let through by {@link #hasSubtypeRules()}.
     */
    public boolean mayMatch(String internalName) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).pattern().mayMatchInternalName(internalName)) {
                return true;
            }
        }
        return false;
    }

    /** Notes that {@code found} was matched by its rules, winning or not. */
    public void matched(MeteredMethod found) {
        if (found.rule() != null) {
            matched(found.rule());
        }
        for (Rule r : found.shadowed()) {
            matched(r);
        }
    }

    void matched(Rule rule) {
        int i = rules.indexOf(rule);
        if (i >= 0) {
            matched.set(i, 1);
        }
    }

    /** The rules that have matched no method so far, in config order. */
    public List<Rule> unmatched() {
        List<Rule> unmatched = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            if (matched.get(i) == 0) {
                unmatched.add(rules.get(i));
            }
        }
        return unmatched;
    }
}
