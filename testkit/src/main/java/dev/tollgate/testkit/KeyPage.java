package dev.tollgate.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of {@code product/GetKeys}: the keys of that page with their key-level data objects, and the
 * paging fields {@code returned}, {@code total} and {@code pageCount}. Pages count from 1; a page past
 * the last one is empty.
 */
final class KeyPage {
    private final List<LicenseKey> keys;
    private final int total;
    private final int pageCount;

    private KeyPage(List<LicenseKey> keys, int total, int pageCount) {
        this.keys = keys;
        this.total = total;
        this.pageCount = pageCount;
    }

    /** Page {@code page} (1-based) of {@code all}, in the given order, {@code perPage} keys to a page. */
    static KeyPage of(List<LicenseKey> all, int page, int perPage) {
        int pageCount = (all.size() + perPage - 1) / perPage;
        long from = (long) (page - 1) * perPage;
        List<LicenseKey> keys = from >= all.size() ? List.of()
                : all.subList((int) from, (int) Math.min(all.size(), from + perPage));
        return new KeyPage(keys, all.size(), pageCount);
    }

    /** The reply's method fields, camelCase as the service answers. */
    Map<String, Object> fields() {
        List<Object> licenseKeys = new ArrayList<>();
        for (LicenseKey key : keys) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("productId", key.productId());
            fields.put("id", key.id());
            fields.put("key", key.key());
            fields.put("block", false);
            fields.put("dataObjects", dataObjects(key.dataObjects()));
            licenseKeys.add(fields);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("licenseKeys", licenseKeys);
        fields.put("returned", keys.size());
        fields.put("total", total);
        fields.put("pageCount", pageCount);
        return fields;
    }

    /** Data objects as every method lists them: {@code id}, {@code name}, {@code stringValue}, {@code intValue}. */
    static List<Object> dataObjects(List<DataObject> objects) {
        List<Object> out = new ArrayList<>();
        for (DataObject object : objects) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("id", object.id());
            fields.put("name", object.name());
            fields.put("stringValue", object.stringValue());
            fields.put("intValue", object.intValue());
            out.add(fields);
        }
        return out;
    }
}
