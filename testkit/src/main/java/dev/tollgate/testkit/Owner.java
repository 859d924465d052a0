package dev.tollgate.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * The data objects of one owner: a license key, or a machine code activated on a key. Adding, listing
 * and removing hold this owner's lock; changing a value holds only the object's lock.
 */
final class Owner {
    private final Registry registry;
    private final LicenseKey key;
    private final String machineCode;
    private final List<DataObject> objects = new ArrayList<>(); // in id order

    Owner(Registry registry, LicenseKey key, String machineCode) {
        this.registry = registry;
        this.key = key;
        this.machineCode = machineCode;
    }

    LicenseKey key() {
        return key;
    }

    /** Adds a new object; {@code null} when {@code checkForDuplicates} and the name is taken. */
    synchronized DataObject add(String name, int intValue, String stringValue, boolean checkForDuplicates) {
        if (checkForDuplicates && firstNamed(name) != null) {
            return null;
        }
        DataObject object = new DataObject(registry.nextObjectId(), name, intValue, stringValue, this);
        objects.add(object);
        registry.index(object);
        return object;
    }

    /** The first object with this name whose int value is then set, or a new one. */
    synchronized DataObject put(String name, int intValue) {
        Objects.requireNonNull(name, "name");
        DataObject existing = firstNamed(name);
        if (existing != null) {
            existing.setIntValue(intValue);
            return existing;
        }
        return add(name, intValue, null, false);
    }

    /** Objects whose name contains {@code contains}, ignoring case; all of them for null or "". */
    synchronized List<DataObject> list(String contains) {
        List<DataObject> out = new ArrayList<>();
        String needle = contains == null ? "" : contains.toLowerCase(Locale.ROOT);
        for (DataObject object : objects) {
            if (needle.isEmpty()
                    || (object.name() != null && object.name().toLowerCase(Locale.ROOT).contains(needle))) {
                out.add(object);
            }
        }
        return out;
    }

    /** The object with the lowest id among those with exactly this name, or {@code null}. */
    synchronized DataObject firstNamed(String name) {
        for (DataObject object : objects) {
            if (Objects.equals(object.name(), name)) {
                return object;
            }
        }
        return null;
    }

    /** The object with this id if it belongs to this owner, or {@code null}. */
    DataObject byId(long id) {
        DataObject object = registry.object(id);
        return object != null && object.owner() == this ? object : null;
    }

    synchronized boolean remove(DataObject object) {
        if (!objects.remove(object)) {
            return false;
        }
        object.markRemoved();
        registry.unindex(object);
        return true;
    }

    Optional<DataObject> find(String name) {
        return Optional.ofNullable(firstNamed(name));
    }

    int value(String name) {
        DataObject object = firstNamed(name);
        if (object == null) {
            throw new NoSuchElementException("no data object named " + name + " on " + this);
        }
        return object.intValue();
    }

    @Override
    public String toString() {
        return "product " + key.productId() + ", key " + key.key()
                + (machineCode == null ? "" : ", machine code " + machineCode);
    }
}
