package dev.tollgate.testkit;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * An access token the emulator accepts, with its method permissions and its product, key and feature
 * locks. Its secret is never part of {@link #toString()}.
 *
 * <pre>{@code
 * emulator.token("client-token", Permission.DECREMENT_INT_VALUE, Permission.LIST_DATA_OBJECTS)
 *         .productLock(3941)
 *         .keyLock(-1)      // callers must name the key; general by-id methods are refused
 *         .featureLock(1);  // at most one unit per increment or decrement
 * }</pre>
 *
 * <ul>
 *   <li>{@code productLock}: 0 = any product, else only that product id.</li>
 *   <li>{@code keyLock}: 0 = any key; -1 (or lower) = the key must be named by string, so only the
 *       {@code ...ToKey} and {@code ...ToMachineCode} methods work and {@code auth/KeyLock} is enabled;
 *       a positive key id = only that key.</li>
 *   <li>{@code featureLock}: 0 = no limit, else the largest amount one increment or decrement may move.</li>
 * </ul>
 */
public final class Token {
    private final String secret;
    private final Set<Permission> permissions;
    private volatile int productLock;
    private volatile long keyLock;
    private volatile int featureLock;

    Token(String secret, Collection<Permission> permissions) {
        this.secret = secret;
        EnumSet<Permission> copy = EnumSet.noneOf(Permission.class);
        copy.addAll(permissions);
        this.permissions = Collections.unmodifiableSet(copy);
    }

    public Token productLock(int productId) {
        this.productLock = productId;
        return this;
    }

    public Token keyLock(long keyLock) {
        this.keyLock = keyLock;
        return this;
    }

    public Token featureLock(int maxAmount) {
        if (maxAmount < 0) {
            throw new IllegalArgumentException("feature lock must be 0 (none) or positive: " + maxAmount);
        }
        this.featureLock = maxAmount;
        return this;
    }

    public Set<Permission> permissions() {
        return permissions;
    }

    public int productLock() {
        return productLock;
    }

    public long keyLock() {
        return keyLock;
    }

    public int featureLock() {
        return featureLock;
    }

    String secret() {
        return secret;
    }

    @Override
    public String toString() {
        return "Token{secret=<redacted>, permissions=" + permissions + ", productLock=" + productLock
                + ", keyLock=" + keyLock + ", featureLock=" + featureLock + "}";
    }
}
