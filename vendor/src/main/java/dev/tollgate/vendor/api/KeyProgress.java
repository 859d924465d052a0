package dev.tollgate.vendor.api;

/**
 * Hears how far work over a product's keys got, for a progress bar.
 *
 * <pre>{@code
 * new Keys(api).all(3941, KeyProgress.NONE);
 * }</pre>
 */
public interface KeyProgress {
    KeyProgress NONE = new KeyProgress() {
    };

    /** The number of keys the work spans, once known. */
    default void total(int keys) {
    }

    /** One more key done. */
    default void keyDone() {
    }
}
