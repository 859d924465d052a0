package dev.tollgate.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state a {@code --seed} file describes: tokens with their permissions and locks, products with
 * their keys and key-level data objects.
 *
 * <pre>{@code
 * {"tokens":[{"token":"T","permissions":["GetKeys","ListDataObjects","DecrementIntValue"],"keyLock":-1}],
 *  "products":[{"id":3941,"keys":[{"key":"AAAAA-BBBBB-CCCCC-DDDDD","dataObjects":{"render":120}}]}]}
 * }</pre>
 *
 * <p>Token fields: {@code token} (required), {@code permissions} (names as on the Cryptolens token page),
 * {@code productLock}, {@code keyLock}, {@code featureLock} (0 when absent). Key fields: {@code key} (required),
 * {@code dataObjects}, {@code requestsPerSecond} (a rate limit, 0 or absent for none). Top level, optional:
 * {@code keysPerPage} for {@code product/GetKeys}. An unknown field, a wrong type or an unknown
 * permission is a {@link SeedException} naming the file and the place in it; the message never holds a
 * token.
 */
final class Seed {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode root;
    private final String file;

    private Seed(JsonNode root, String file) {
        this.root = root;
        this.file = file;
    }

    /** A seed file could not be read or does not describe a valid state. */
    static final class SeedException extends Exception {
        private static final long serialVersionUID = 1L;

        SeedException(String message) {
            super(message);
        }
    }

    /** Reads and checks a seed file; nothing is applied yet. */
    static Seed read(Path path) throws SeedException {
        String file = path.toString();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(path));
        } catch (NoSuchFileException e) {
            throw new SeedException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new SeedException(file + ": not valid JSON (line " + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new SeedException(file + ": cannot be read: " + e.getMessage());
        }
        Seed seed = new Seed(root, file);
        seed.check();
        return seed;
    }

    /** {@code keysPerPage}, or the emulator's default. */
    int keysPerPage(int otherwise) {
        JsonNode n = root.get("keysPerPage");
        return n == null ? otherwise : n.intValue();
    }

    /** Puts the tokens, products, keys and data objects into {@code emulator}. */
    void applyTo(CryptolensEmulator emulator) {
        for (JsonNode t : list(root, "tokens")) {
            List<Permission> permissions = new ArrayList<>();
            for (JsonNode p : list(t, "permissions")) {
                permissions.add(Permission.named(p.textValue()));
            }
            emulator.token(t.get("token").textValue(), permissions)
                    .productLock(t.path("productLock").intValue())
                    .keyLock(t.path("keyLock").longValue())
                    .featureLock(t.path("featureLock").intValue());
        }
        for (JsonNode p : list(root, "products")) {
            Product product = emulator.product(p.get("id").intValue());
            for (JsonNode k : list(p, "keys")) {
                LicenseKey key = product.key(k.get("key").textValue());
                key.limitRequests(k.path("requestsPerSecond").intValue());
                Iterator<Map.Entry<String, JsonNode>> objects = k.path("dataObjects").fields();
                while (objects.hasNext()) {
                    Map.Entry<String, JsonNode> object = objects.next();
                    key.dataObject(object.getKey(), object.getValue().intValue());
                }
            }
        }
    }

    private void check() throws SeedException {
        if (!root.isObject()) {
            throw problem("", "must be a JSON object");
        }
        fields(root, "", Set.of("tokens", "products", "keysPerPage"));
        if (root.has("keysPerPage") && (!root.get("keysPerPage").canConvertToInt() || root.get("keysPerPage").intValue() < 1)) {
            throw problem("keysPerPage", "must be a positive number");
        }
        int i = 0;
        for (JsonNode t : array(root, "tokens", "")) {
            String at = "tokens[" + i++ + "]";
            fields(t, at, Set.of("token", "permissions", "productLock", "keyLock", "featureLock"));
            if (!t.path("token").isTextual() || t.get("token").textValue().isEmpty()) {
                throw problem(at + ".token", "must be a non-empty string");
            }
            int j = 0;
            for (JsonNode p : array(t, "permissions", at)) {
                try {
                    Permission.named(p.isTextual() ? p.textValue() : String.valueOf(p));
                } catch (IllegalArgumentException e) {
                    throw problem(at + ".permissions[" + j + "]", e.getMessage());
                }
                j++;
            }
            number(t, "productLock", at, false);
            number(t, "keyLock", at, false);
            number(t, "featureLock", at, false);
            if (t.path("featureLock").intValue() < 0) {
                throw problem(at + ".featureLock", "must be 0 (none) or positive");
            }
        }
        i = 0;
        for (JsonNode p : array(root, "products", "")) {
            String at = "products[" + i++ + "]";
            fields(p, at, Set.of("id", "keys"));
            number(p, "id", at, true);
            int j = 0;
            for (JsonNode k : array(p, "keys", at)) {
                String keyAt = at + ".keys[" + j++ + "]";
                fields(k, keyAt, Set.of("key", "dataObjects", "requestsPerSecond"));
                number(k, "requestsPerSecond", keyAt, false);
                if (k.path("requestsPerSecond").intValue() < 0) {
                    throw problem(keyAt + ".requestsPerSecond", "must be 0 (no limit) or positive");
                }
                if (!k.path("key").isTextual() || k.get("key").textValue().isEmpty()) {
                    throw problem(keyAt + ".key", "must be a non-empty string");
                }
                JsonNode objects = k.path("dataObjects");
                if (!objects.isMissingNode() && !objects.isObject()) {
                    throw problem(keyAt + ".dataObjects", "must be an object of name: int value");
                }
                Iterator<Map.Entry<String, JsonNode>> it = objects.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> object = it.next();
                    if (!object.getValue().isInt()) {
                        throw problem(keyAt + ".dataObjects." + object.getKey(), "must be an int32 number");
                    }
                }
            }
        }
    }

    private void fields(JsonNode node, String at, Set<String> known) throws SeedException {
        if (!node.isObject()) {
            throw problem(at, "must be a JSON object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw problem(at.isEmpty() ? name : at + "." + name, "unknown field; known: " + known.stream().sorted().toList());
            }
        }
    }

    private void number(JsonNode node, String name, String at, boolean required) throws SeedException {
        JsonNode n = node.get(name);
        if (n == null && !required) {
            return;
        }
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
            throw problem(at + "." + name, required ? "is required, an int32 number" : "must be an int32 number");
        }
    }

    private List<JsonNode> array(JsonNode node, String name, String at) throws SeedException {
        JsonNode n = node.get(name);
        if (n == null) {
            return List.of();
        }
        if (!n.isArray()) {
            throw problem(at.isEmpty() ? name : at + "." + name, "must be a JSON array");
        }
        return list(node, name);
    }

    private static List<JsonNode> list(JsonNode node, String name) {
        List<JsonNode> out = new ArrayList<>();
        node.path(name).forEach(out::add);
        return out;
    }

    private SeedException problem(String at, String what) {
        return new SeedException(file + ": " + (at.isEmpty() ? "" : at + ": ") + what);
    }
}
