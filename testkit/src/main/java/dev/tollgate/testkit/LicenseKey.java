package dev.tollgate.testkit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A license key of a product, with its key-level data objects and its activated machine codes.
 *
 * <pre>{@code
 * LicenseKey key = emulator.product(3941).key("AAAAA-BBBBB-CCCCC-DDDDD");
 * key.dataObject("export", 3);          // pay upfront: three exports bought
 * key.dataObject("chart", 0);           // pay per use: charts rendered this period
 * key.machine("9f86d08188").dataObject("seats", 1);
 * ...
 * assertThat(key.value("export")).isEqualTo(2);
 * }</pre>
 */
public final class LicenseKey {
    private final Registry registry;
    private final Product product;
    private final long id;
    private final String key;
    private final Owner objects;
    private final ConcurrentMap<String, Machine> machines = new ConcurrentHashMap<>();

    LicenseKey(Registry registry, Product product, long id, String key) {
        this.registry = registry;
        this.product = product;
        this.id = id;
        this.key = key;
        this.objects = new Owner(registry, this, null);
    }

    /** The key id (not the key string), as {@code auth/KeyLock} returns it and key locks name it. */
    public long id() {
        return id;
    }

    /** The key string, e.g. {@code AAAAA-BBBBB-CCCCC-DDDDD}. */
    public String key() {
        return key;
    }

    public int productId() {
        return product.id();
    }

    /**
     * Seeds a key-level data object: sets the int value of the first object with this name, or adds
     * one. Calling it twice with the same name never makes a duplicate.
     */
    public DataObject dataObject(String name, int intValue) {
        return objects.put(name, intValue);
    }

    /** The key-level object with this name (the lowest id if several share it). */
    public Optional<DataObject> find(String name) {
        return objects.find(name);
    }

    /**
     * The int value of the key-level object with this name.
     *
     * @throws java.util.NoSuchElementException if there is none
     */
    public int value(String name) {
        return objects.value(name);
    }

    /** The key-level data objects, in id order (a snapshot of live handles). */
    public List<DataObject> dataObjects() {
        return objects.list(null);
    }

    /**
     * The activation of this machine code on the key, created (active) if the key has none yet.
     * Machine-code data objects live on it.
     */
    public Machine machine(String machineCode) {
        Objects.requireNonNull(machineCode, "machineCode");
        if (machineCode.isEmpty()) {
            throw new IllegalArgumentException("a machine code must not be empty");
        }
        return machines.computeIfAbsent(machineCode, mc -> new Machine(registry, this, mc));
    }

    /** The machine if it was ever activated; never creates one. */
    Machine existingMachine(String machineCode) {
        return machineCode == null ? null : machines.get(machineCode);
    }

    Owner owner() {
        return objects;
    }

    @Override
    public String toString() {
        return "LicenseKey{productId=" + product.id() + ", id=" + id + ", key=" + key + "}";
    }
}
