package dev.tollgate.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Binds {@code retrofit:}, a list of rules naming methods of classes the vendor cannot annotate; see
 * {@link MethodPattern} for the pattern language. A rule whose pattern has a mistake is left out (its problem
 * is reported); one whose feature is unknown is kept, so that the methods it names are denied, not free.
 *
 * <pre>{@code
 * retrofit:
 *   - method: com.acme.Reports#export(..)
 *     feature: export
 *     cost: 5
 * }</pre>
 */
final class RetrofitBinder {

    private final Values values;
    private final FeaturesBinder features;

    RetrofitBinder(Values values, FeaturesBinder features) {
        this.values = values;
        this.features = features;
    }

    List<Rule> bind(YamlNode node, Map<String, Feature> read) {
        List<Rule> rules = new ArrayList<>();
        if (values.isNull(node)) {
            return rules; // 'retrofit:' with nothing under it: no rules
        }
        if (!(node instanceof YamlNode.Sequence)) {
            values.problem(node, "retrofit", "must be a list of rules, each '- method: " + MethodPattern.EXAMPLE
                    + "' with its feature");
            return rules;
        }
        List<YamlNode> items = ((YamlNode.Sequence) node).items;
        for (int i = 0; i < items.size(); i++) {
            String key = "retrofit[" + i + "]";
            YamlNode item = items.get(i);
            Map<String, YamlNode> r = values.mapping(item, key);
            if (r == null) {
                continue;
            }
            values.allowOnly(r, key, "method", "feature", "cost");
            MethodPattern pattern = null;
            if (!r.containsKey("method")) {
                values.problem(item, key + ".method", "missing: the method to meter, e.g. " + MethodPattern.EXAMPLE);
            } else {
                String text = values.text(r.get("method"), key + ".method");
                if (text != null) {
                    try {
                        pattern = MethodPattern.parse(text);
                    } catch (MethodPattern.Invalid e) {
                        values.problem(r.get("method"), key + ".method", e.getMessage());
                    }
                }
            }
            String feature = null;
            if (!r.containsKey("feature")) {
                values.problem(item, key + ".feature", "missing: the feature each call charges, one of features:");
            } else {
                feature = values.text(r.get("feature"), key + ".feature");
                if (feature != null && !features.declared(feature)) {
                    values.problem(r.get("feature"), key + ".feature", "no feature '" + feature + "' under features:"
                            + DidYouMean.suggestion(feature, read.keySet()));
                }
            }
            int cost = 0;
            if (r.containsKey("cost")) {
                Long c = values.whole(r.get("cost"), key + ".cost", 1, Integer.MAX_VALUE);
                if (c != null) {
                    cost = c.intValue();
                }
            }
            if (pattern != null && feature != null) {
                rules.add(new Rule(i, values.line(item), values.source(), pattern, feature, cost));
            }
        }
        return rules;
    }
}
