package dev.tollgate.vendor.api;

import java.util.List;
import java.util.Optional;

/**
 * A license key and its key-level data objects, in id order.
 *
 * <pre>{@code
 * KeyData key = api.dataObjects(3941, "AAAAA-BBBBB-CCCCC-DDDDD");
 * int render = key.find("render").map(DataValue::intValue).orElse(0);
 * }</pre>
 */
public record KeyData(String key, List<DataValue> dataObjects) {
    public KeyData {
        dataObjects = List.copyOf(dataObjects);
    }

    /** The object with exactly this name (the lowest id if several share it). */
    public Optional<DataValue> find(String name) {
        return dataObjects.stream().filter(o -> name.equals(o.name())).findFirst();
    }
}
