package dev.tollgate.testkit;

import java.util.List;
import java.util.Optional;

/**
 * A machine code activated on a license key, with its own data objects (reached through the
 * {@code ...ToMachineCode} methods). After {@link #deactivate()} those methods answer as if the key
 * were not found, until {@link #activate()}; the objects are kept.
 *
 * <pre>{@code
 * Machine laptop = emulator.product(3941).key("AAAAA-BBBBB-CCCCC-DDDDD").machine("9f86d08188");
 * laptop.dataObject("renders", 0);
 * }</pre>
 */
public final class Machine {
    private final LicenseKey key;
    private final String machineCode;
    private final Owner objects;
    private volatile boolean active = true;

    Machine(Registry registry, LicenseKey key, String machineCode) {
        this.key = key;
        this.machineCode = machineCode;
        this.objects = new Owner(registry, key, machineCode);
    }

    public String machineCode() {
        return machineCode;
    }

    public LicenseKey licenseKey() {
        return key;
    }

    public boolean isActive() {
        return active;
    }

    public Machine deactivate() {
        active = false;
        return this;
    }

    public Machine activate() {
        active = true;
        return this;
    }

    /** Seeds a data object on this machine code; see {@link LicenseKey#dataObject(String, int)}. */
    public DataObject dataObject(String name, int intValue) {
        return objects.put(name, intValue);
    }

    public Optional<DataObject> find(String name) {
        return objects.find(name);
    }

    /**
     * The int value of this machine code's object with this name.
     *
     * @throws java.util.NoSuchElementException if there is none
     */
    public int value(String name) {
        return objects.value(name);
    }

    public List<DataObject> dataObjects() {
        return objects.list(null);
    }

    Owner owner() {
        return objects;
    }

    @Override
    public String toString() {
        return "Machine{key=" + key.key() + ", machineCode=" + machineCode + (active ? "" : ", deactivated") + "}";
    }
}
