package dev.tollgate.vendor.api;

import java.util.List;

/**
 * One page of {@code product/GetKeys}. {@code dataObjects} of a key is {@code null} when the reply did
 * not carry them (then they are read with {@code ListDataObjectsToKey}).
 */
record KeyListing(List<Listed> keys, int total, int pageCount) {

    /** A key as GetKeys lists it. */
    record Listed(String key, List<DataValue> dataObjects) {
    }
}
