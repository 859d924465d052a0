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
    private final RequestLimit requestLimit = new RequestLimit(System::nanoTime);

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

    /**
     * Answers HTTP 429 to the requests for this key beyond {@code perSecond} in any one second (a sliding
     * window; see PROTOCOL.md "Rate limit"), without applying them; 0 (the default) lifts the limit. A request
     * is "for this key" when its {@code ProductId} and {@code Key} name it, whatever its token or method.
     *
     * <pre>{@code
     * LicenseKey key = emulator.product(3941).key("AAAAA-BBBBB-CCCCC-DDDDD").limitRequests(20);
     * ... the product under test calls as fast as it can ...
     * assertThat(key.requestsRateLimited()).isLessThan(10);
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code perSecond} is negative
     */
    public LicenseKey limitRequests(int perSecond) {
        requestLimit.set(perSecond);
        return this;
    }

    /** The requests per second this key is limited to; 0 for none. */
    public int requestLimit() {
        return requestLimit.perSecond();
    }

    /** How many requests for this key the emulator received, served or answered 429, since it started. */
    public long requestsReceived() {
        return requestLimit.received();
    }

    /** How many requests for this key the emulator answered 429 because of {@link #limitRequests}. */
    public long requestsRateLimited() {
        return requestLimit.refused();
    }

    RequestLimit limit() {
        return requestLimit;
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
