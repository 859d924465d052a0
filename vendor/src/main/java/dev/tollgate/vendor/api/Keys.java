package dev.tollgate.vendor.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every key of a product, following {@code product/GetKeys} page by page until {@code pageCount} (or an
 * empty page), through any number of keys.
 *
 * <pre>{@code
 * List<KeyData> keys = new Keys(api).all(3941, KeyProgress.NONE);
 * }</pre>
 */
public final class Keys {
    private final WebApi api;

    public Keys(WebApi api) {
        this.api = api;
    }

    /**
     * Every key of {@code productId} with its data objects (read with ListDataObjectsToKey for keys whose
     * listing did not carry them). {@code progress} hears the product's key count and each key read.
     */
    public List<KeyData> all(int productId, KeyProgress progress) throws ApiFailure {
        List<KeyData> out = new ArrayList<>();
        for (KeyListing.Listed key : listed(productId, progress)) {
            out.add(key.dataObjects() != null ? new KeyData(key.key(), key.dataObjects())
                    : api.dataObjects(productId, key.key()));
            progress.keyDone();
        }
        return out;
    }

    /** Only the key strings, in the listing's order. */
    public List<String> names(int productId, KeyProgress progress) throws ApiFailure {
        return listed(productId, progress).stream().map(KeyListing.Listed::key).toList();
    }

    private List<KeyListing.Listed> listed(int productId, KeyProgress progress) throws ApiFailure {
        List<KeyListing.Listed> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        int pageCount = 1;
        for (int page = 1; page <= pageCount; page++) {
            KeyListing listing = api.keys(productId, page);
            if (page == 1) {
                progress.total(listing.total());
            }
            pageCount = listing.pageCount();
            if (listing.keys().isEmpty()) {
                break;
            }
            for (KeyListing.Listed key : listing.keys()) {
                if (seen.add(key.key())) { // a key added while paging may shift another onto the next page
                    out.add(key);
                }
            }
        }
        return out;
    }
}
