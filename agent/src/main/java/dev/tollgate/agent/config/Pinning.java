package dev.tollgate.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Reads the vendor's pinned config and lays the customer's file over it ({@link Overlay}). Refuses, with one
 * problem that denies every metered call: several copies of the resource on the class path (which one the
 * vendor pinned is ambiguous), a copy that cannot be read, and a copy whose digest does not match the one the
 * build recorded (an edited pinned config is never used).
 *
 * <pre>{@code
 * Config config = new Pinning(env, userHome).read(PinnedConfig.find(loader), expectedDigest, customerFile, cwd);
 * }</pre>
 */
final class Pinning {

    private final Map<String, String> env;
    private final String userHome;

    Pinning(Map<String, String> env, String userHome) {
        this.env = env;
        this.userHome = userHome;
    }

    Config read(PinnedConfig.Lookup pinned, String expectedDigest, ConfigFile customer, Path workingDir) {
        if (pinned.copies.size() > 1) {
            return refused(PinnedConfig.RESOURCE, "is on the class path " + pinned.copies.size() + " times ("
                    + String.join(", ", pinned.copies) + "): which one the vendor pinned is ambiguous, so every "
                    + "metered call is denied; keep only the product's copy");
        }
        if (pinned.error != null) {
            return refused(pinned.name, pinned.error + "; every metered call is denied");
        }
        String expected = expectedDigest != null ? expectedDigest : pinned.manifestDigest;
        if (expected != null && !PinnedConfig.verify(pinned.bytes, expected)) {
            return refused(pinned.name, "does not match the digest "
                    + (expectedDigest != null ? "recorded when the product was built"
                            : "in the manifest attribute " + PinnedConfig.MANIFEST_ATTRIBUTE + " of its jar")
                    + " (expected " + expected.trim() + ", found " + PinnedConfig.digest(pinned.bytes) + "): an edited "
                    + "pinned config is never used, so every metered call is denied; reinstall the product");
        }

        Values values = new Values(pinned.name, workingDir, env, userHome);
        ConfigBinder binder = new ConfigBinder(values);
        YamlNode root = ConfigLoader.yaml(new String(pinned.bytes, StandardCharsets.UTF_8), values, null);
        if (root == ConfigLoader.INVALID) {
            return binder.empty();
        }
        if (root != null && !(root instanceof YamlNode.Mapping)) {
            return binder.bind(root); // reports that it must be a mapping
        }
        YamlNode.Mapping top = root == null ? new YamlNode.Mapping(-1, YamlNode.MAP) : (YamlNode.Mapping) root;
        CustomerKeys keys = CustomerKeys.read(remove(top, CustomerKeys.SECTION), values);
        List<Problem> ignored = Collections.emptyList();
        String sources = pinned.name + " (pinned by the vendor)";
        if (customer.problem != null) {
            values.problem(new Values.Origin(customer.source, workingDir), 0, "", customer.problem);
        } else if (customer.file != null) {
            sources += ", with " + customer.file;
            Path base = customer.file.toAbsolutePath().getParent();
            Values.Origin origin = new Values.Origin(customer.file.toString(), base == null ? Paths.get(".") : base);
            String text = null;
            try {
                text = new String(Files.readAllBytes(customer.file), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                values.problem(origin, 0, "", "cannot read the config file: " + ConfigLoader.describe(e));
            }
            YamlNode customerRoot = text == null ? ConfigLoader.INVALID : ConfigLoader.yaml(text, values, origin);
            if (customerRoot != ConfigLoader.INVALID) {
                Overlay overlay = new Overlay(values, origin, keys);
                overlay.apply(top, customerRoot);
                ignored = overlay.ignored();
            }
        }
        return binder.bind(top).pinned(sources, ignored, PinnedConfig.digest(pinned.bytes));
    }

    private Config refused(String source, String message) {
        Values values = new Values(source, Paths.get("."), env, userHome);
        values.problem(0, "", message);
        return new ConfigBinder(values).empty();
    }

    /** Takes {@code name} out of {@code mapping}; its value, or null when absent. */
    private static YamlNode remove(YamlNode.Mapping mapping, String name) {
        for (int i = 0; i < mapping.keys.size(); i++) {
            YamlNode k = mapping.keys.get(i);
            if (k instanceof YamlNode.Scalar && name.equals(((YamlNode.Scalar) k).value)) {
                mapping.keys.remove(i);
                return mapping.values.remove(i);
            }
        }
        return null;
    }
}
