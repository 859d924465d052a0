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
 * needs none (only a token with key lock -1 or lower).
 */
public enum Permission {
    ADD_DATA_OBJECT,
    LIST_DATA_OBJECTS,
    INCREMENT_INT_VALUE,
    DECREMENT_INT_VALUE,
    SET_INT_VALUE,
    SET_STRING_VALUE,
    REMOVE_DATA_OBJECT;

    /** Every data-object permission: what a vendor's own server-side token would have. */
    public static Set<Permission> allData() {
        return Collections.unmodifiableSet(EnumSet.allOf(Permission.class));
    }
}
