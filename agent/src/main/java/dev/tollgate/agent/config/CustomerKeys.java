package dev.tollgate.agent.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What the customer's file may set when the vendor pins the config ({@link PinnedConfig}): the license key
 * and machine code, the ledger and journal folders, the log level and the timeouts, and whatever the pinned
 * config opens with {@code customer:}. Everything else is the vendor's: the customer's value is reported in one
 * line and ignored, never applied.
 *
 * <pre>{@code
 * # META-INF/tollgate.yml, in the product
 * customer:              # keys the customer's tollgate.yml may set besides the usual ones
 *   - journal.fsync
 *   - features.export.onBackendFailure
 * }</pre>
 *
 * A key opens everything under it: {@code features.export} would let the customer set all of that feature.
 */
final class CustomerKeys {

    /** The top-level key of the pinned config that opens more keys to the customer. */
    static final String SECTION = "customer";

    /** What the customer's file may always set. */
    static final List<String> ALWAYS = Collections.unmodifiableList(Arrays.asList("cryptolens.key",
            "cryptolens.machineCode", "cryptolens.connectTimeout", "cryptolens.readTimeout", "local.dir",
            "journal.dir", "log.level"));

    private final List<String> open;

    private CustomerKeys(List<String> open) {
        this.open = open;
    }

    /** Only the keys of {@link #ALWAYS}. */
    static CustomerKeys always() {
        return new CustomerKeys(ALWAYS);
    }

    /** {@link #ALWAYS} and the keys the pinned config's {@code customer:} list names, each checked. */
    static CustomerKeys read(YamlNode node, Values values) {
        List<String> open = new ArrayList<>(ALWAYS);
        if (values.isNull(node)) {
            return new CustomerKeys(open);
        }
        if (!(node instanceof YamlNode.Sequence)) {
            values.problem(node, SECTION, "must be a list of keys the customer's file may set, e.g. - journal.fsync");
            return new CustomerKeys(open);
        }
        List<YamlNode> items = ((YamlNode.Sequence) node).items;
        for (int i = 0; i < items.size(); i++) {
            String key = SECTION + "[" + i + "]";
            String name = values.text(items.get(i), key);
            if (name == null) {
                continue;
            }
            String section = name.indexOf('.') < 0 ? name : name.substring(0, name.indexOf('.'));
            if (!Arrays.asList(ConfigBinder.SECTIONS).contains(section) || name.endsWith(".")
                    || name.contains("..")) {
                values.problem(items.get(i), key, "'" + name + "' is not a key of the config"
                        + DidYouMean.suggestion(section, Arrays.asList(ConfigBinder.SECTIONS))
                        + "; write a dotted key such as journal.fsync or features.export.onBackendFailure");
            } else {
                open.add(name);
            }
        }
        return new CustomerKeys(open);
    }

    /** Whether the customer may set {@code key}: it, or a key above it, is open. */
    boolean allows(String key) {
        for (String k : open) {
            if (key.equals(k) || key.startsWith(k + ".")) {
                return true;
            }
        }
        return false;
    }

    /** Whether some key below {@code key} is open, so that a mapping there is looked into key by key. */
    boolean allowsBelow(String key) {
        for (String k : open) {
            if (k.startsWith(key + ".")) {
                return true;
            }
        }
        return false;
    }

    /** Every open key, for "did you mean" and the refusal messages. */
    List<String> keys() {
        return Collections.unmodifiableList(open);
    }
}
