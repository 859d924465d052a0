package dev.tollgate.testkit;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A method permission of a Cryptolens access token (a box ticked in the token's "Method Lock").
 *
 * <pre>{@code
 * emulator.token("T", Permission.allData()).keyLock(-1);
 * emulator.token("READ_ONLY", Permission.LIST_DATA_OBJECTS);
 * }</pre>
 *
 * <p>One permission covers the key, machine-code and general variant of its method; {@code auth/KeyLock}
 * needs none (only a token with key lock -1 or lower). {@link #GET_KEYS} is the product method
 * {@code product/GetKeys}, which lists a product's keys; a vendor's server-side tool needs it, a product
 * never does.
 */
public enum Permission {
    ADD_DATA_OBJECT,
    LIST_DATA_OBJECTS,
    INCREMENT_INT_VALUE,
    DECREMENT_INT_VALUE,
    SET_INT_VALUE,
    SET_STRING_VALUE,
    REMOVE_DATA_OBJECT,
    /** {@code product/GetKeys}: list the keys of a product, page by page. */
    GET_KEYS;

    /** Every data-object permission (not {@link #GET_KEYS}). */
    public static Set<Permission> allData() {
        return Collections.unmodifiableSet(EnumSet.range(ADD_DATA_OBJECT, REMOVE_DATA_OBJECT));
    }

    /**
     * The permission whose name the Cryptolens token page and {@code --seed} files use, e.g.
     * {@code "DecrementIntValue"} for {@link #DECREMENT_INT_VALUE}.
     *
     * @throws IllegalArgumentException for a name that is not one of them
     */
    public static Permission named(String name) {
        for (Permission permission : values()) {
            if (permission.displayName().equals(name)) {
                return permission;
            }
        }
        throw new IllegalArgumentException("unknown permission \"" + name + "\"; known: "
                + java.util.Arrays.stream(values()).map(Permission::displayName).toList());
    }

    /** The name as on the Cryptolens token page: {@code AddDataObject}, ..., {@code GetKeys}. */
    public String displayName() {
        StringBuilder out = new StringBuilder();
        for (String word : name().split("_")) {
            out.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return out.toString();
    }
}
