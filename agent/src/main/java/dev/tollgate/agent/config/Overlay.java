package dev.tollgate.agent.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Lays the customer's file over the vendor's pinned config: each key the {@link CustomerKeys} allow replaces
 * (or adds) the pinned value, keeping the customer's file and line for its problems; every other key is
 * reported in one line, {@code tollgate.yml:4: local.credits: set by the vendor's pinned config; ignored},
 * and never applied.
 *
 * <pre>{@code
 * Overlay overlay = new Overlay(values, customerOrigin, CustomerKeys.read(pinnedTop.get("customer"), values));
 * overlay.apply(pinnedTop, customerRoot);
 * List<Problem> refused = overlay.ignored();
 * }</pre>
 */
final class Overlay {

    static final String IGNORED = "set by the vendor's pinned config; ignored";

    private final Values values;
    private final Values.Origin customer;
    private final CustomerKeys keys;
    private final List<Problem> ignored = new ArrayList<>();

    Overlay(Values values, Values.Origin customer, CustomerKeys keys) {
        this.values = values;
        this.customer = customer;
        this.keys = keys;
    }

    /** Applies the allowed keys of {@code customerRoot} to {@code pinned}, which is changed. */
    void apply(YamlNode.Mapping pinned, YamlNode customerRoot) {
        if (values.isNull(customerRoot)) {
            return; // an empty file sets nothing
        }
        if (!(customerRoot instanceof YamlNode.Mapping)) {
            values.problem(customer, values.line(customerRoot), "", "must be a mapping of keys to values");
            return;
        }
        walk((YamlNode.Mapping) customerRoot, "", pinned);
    }

    /** The refused keys, in file order. */
    List<Problem> ignored() {
        return ignored;
    }

    private void walk(YamlNode.Mapping from, String prefix, YamlNode.Mapping into) {
        for (int i = 0; i < from.keys.size(); i++) {
            YamlNode k = from.keys.get(i);
            YamlNode v = from.values.get(i);
            int keyLine = k.line < 0 ? 0 : k.line + 1;
            if (!(k instanceof YamlNode.Scalar)) {
                values.problem(customer, keyLine, prefix, "keys must be plain names");
                continue;
            }
            String name = ((YamlNode.Scalar) k).value;
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            if (keys.allows(path)) {
                set(into, name, v);
                values.adopt(v, keyLine, customer);
            } else if (prefix.isEmpty() && name.equals("cryptolens") && indexOf(into, name) < 0) {
                ignored.add(new Problem(customer.source, keyLine, path, "ignored: the vendor's pinned config has no "
                        + "cryptolens: section"));
            } else if (v instanceof YamlNode.Mapping && keys.allowsBelow(path)) {
                walk((YamlNode.Mapping) v, path, mappingUnder(into, name));
            } else {
                ignored.add(new Problem(customer.source, keyLine, path, IGNORED
                        + DidYouMean.suggestion(path, keys.keys())));
            }
        }
    }

    /** Sets {@code name} in {@code into}, replacing the pinned value when there is one. */
    private static void set(YamlNode.Mapping into, String name, YamlNode value) {
        int at = indexOf(into, name);
        if (at >= 0) {
            into.values.set(at, value);
        } else {
            into.put(new YamlNode.Scalar(-1, YamlNode.STR, name), value);
        }
    }

    /** The mapping under {@code name} in {@code into}, made (or made a mapping) when the pinned config has none. */
    private static YamlNode.Mapping mappingUnder(YamlNode.Mapping into, String name) {
        int at = indexOf(into, name);
        if (at >= 0 && into.values.get(at) instanceof YamlNode.Mapping) {
            return (YamlNode.Mapping) into.values.get(at);
        }
        YamlNode.Mapping made = new YamlNode.Mapping(-1, YamlNode.MAP);
        set(into, name, made);
        return made;
    }

    private static int indexOf(YamlNode.Mapping mapping, String name) {
        for (int i = 0; i < mapping.keys.size(); i++) {
            YamlNode k = mapping.keys.get(i);
            if (k instanceof YamlNode.Scalar && name.equals(((YamlNode.Scalar) k).value)) {
                return i;
            }
        }
        return -1;
    }
}
