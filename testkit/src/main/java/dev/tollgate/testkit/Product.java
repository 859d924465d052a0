package dev.tollgate.testkit;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A product in the emulator, holding license keys.
 *
 * <pre>{@code
 * LicenseKey key = emulator.product(3941).key("AAAAA-BBBBB-CCCCC-DDDDD");
 * }</pre>
 */
public final class Product {
    private final Registry registry;
    private final int id;
    private final ConcurrentMap<String, LicenseKey> keys = new ConcurrentHashMap<>();

    Product(Registry registry, int id) {
        this.registry = registry;
        this.id = id;
    }

    public int id() {
        return id;
    }

    /**
     * The license key with this key string, created (with the next key id) if the product has none
     * yet. Key strings are compared exactly, case included.
     */
    public LicenseKey key(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a key string must not be empty");
        }
        return keys.computeIfAbsent(key, k -> new LicenseKey(registry, this, registry.nextKeyId(), k));
    }

    /** The license key if it exists; never creates one. */
    LicenseKey existingKey(String key) {
        return key == null ? null : keys.get(key);
    }

    /** Every key of the product in key id order (the order {@code product/GetKeys} pages through). */
    public List<LicenseKey> keys() {
        return keys.values().stream().sorted(Comparator.comparingLong(LicenseKey::id)).toList();
    }

    @Override
    public String toString() {
        return "Product{id=" + id + ", keys=" + keys.size() + "}";
    }
}
