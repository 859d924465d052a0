package dev.tollgate.testkit;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Web API methods the emulator serves, for scoping faults and filtering the request log.
 *
 * <pre>{@code
 * emulator.failNext(Endpoint.DECREMENT_INT_VALUE_TO_KEY, 2, Fault.disconnect());
 * List<RecordedCall> charges = emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY);
 * }</pre>
 *
 * <p>Paths are matched without regard to case, repeated slashes or a trailing slash, so
 * {@code /api//data/decrementintvaluetokey/} is {@link #DECREMENT_INT_VALUE_TO_KEY}.
 */
public enum Endpoint {
    ADD_DATA_OBJECT_TO_KEY("data/AddDataObjectToKey", Permission.ADD_DATA_OBJECT, Scope.KEY),
    ADD_DATA_OBJECT_TO_MACHINE_CODE("data/AddDataObjectToMachineCode", Permission.ADD_DATA_OBJECT, Scope.MACHINE_CODE),
    LIST_DATA_OBJECTS_TO_KEY("data/ListDataObjectsToKey", Permission.LIST_DATA_OBJECTS, Scope.KEY),
    LIST_DATA_OBJECTS_TO_MACHINE_CODE("data/ListDataObjectsToMachineCode", Permission.LIST_DATA_OBJECTS, Scope.MACHINE_CODE),
    INCREMENT_INT_VALUE_TO_KEY("data/IncrementIntValueToKey", Permission.INCREMENT_INT_VALUE, Scope.KEY),
    INCREMENT_INT_VALUE_TO_MACHINE_CODE("data/IncrementIntValueToMachineCode", Permission.INCREMENT_INT_VALUE, Scope.MACHINE_CODE),
    INCREMENT_INT_VALUE("data/IncrementIntValue", Permission.INCREMENT_INT_VALUE, Scope.GENERAL),
    DECREMENT_INT_VALUE_TO_KEY("data/DecrementIntValueToKey", Permission.DECREMENT_INT_VALUE, Scope.KEY),
    DECREMENT_INT_VALUE_TO_MACHINE_CODE("data/DecrementIntValueToMachineCode", Permission.DECREMENT_INT_VALUE, Scope.MACHINE_CODE),
    DECREMENT_INT_VALUE("data/DecrementIntValue", Permission.DECREMENT_INT_VALUE, Scope.GENERAL),
    SET_INT_VALUE_TO_KEY("data/SetIntValueToKey", Permission.SET_INT_VALUE, Scope.KEY),
    SET_INT_VALUE_TO_MACHINE_CODE("data/SetIntValueToMachineCode", Permission.SET_INT_VALUE, Scope.MACHINE_CODE),
    SET_INT_VALUE("data/SetIntValue", Permission.SET_INT_VALUE, Scope.GENERAL),
    SET_STRING_VALUE_TO_KEY("data/SetStringValueToKey", Permission.SET_STRING_VALUE, Scope.KEY),
    SET_STRING_VALUE_TO_MACHINE_CODE("data/SetStringValueToMachineCode", Permission.SET_STRING_VALUE, Scope.MACHINE_CODE),
    SET_STRING_VALUE("data/SetStringValue", Permission.SET_STRING_VALUE, Scope.GENERAL),
    REMOVE_DATA_OBJECT_TO_KEY("data/RemoveDataObjectToKey", Permission.REMOVE_DATA_OBJECT, Scope.KEY),
    REMOVE_DATA_OBJECT_TO_MACHINE_CODE("data/RemoveDataObjectToMachineCode", Permission.REMOVE_DATA_OBJECT, Scope.MACHINE_CODE),
    REMOVE_DATA_OBJECT("data/RemoveDataObject", Permission.REMOVE_DATA_OBJECT, Scope.GENERAL),
    /** {@code product/GetKeys}: a product's keys with their data objects, 99 to a page (key lock ignored). */
    GET_KEYS("product/GetKeys", Permission.GET_KEYS, Scope.PRODUCT),
    /** {@code auth/KeyLock}: derives a token locked to one key from a token with key lock -1. */
    KEY_LOCK("auth/KeyLock", null, Scope.KEY);

    /** Where a method finds its data objects. */
    enum Scope { KEY, MACHINE_CODE, GENERAL, PRODUCT }

    private static final Map<String, Endpoint> BY_LOWER_CASE_PATH = new HashMap<>();

    static {
        for (Endpoint endpoint : values()) {
            BY_LOWER_CASE_PATH.put(endpoint.method.toLowerCase(Locale.ROOT), endpoint);
        }
    }

    private final String method;
    private final Permission permission;
    private final Scope scope;

    Endpoint(String method, Permission permission, Scope scope) {
        this.method = method;
        this.permission = permission;
        this.scope = scope;
    }

    /** The canonical path, e.g. {@code /api/data/DecrementIntValueToKey}. */
    public String path() {
        return "/api/" + method;
    }

    /** The permission a token needs for this method, or {@code null} for {@link #KEY_LOCK}. */
    Permission permission() {
        return permission;
    }

    Scope scope() {
        return scope;
    }

    /**
     * The endpoint a request path names, or {@code null}. Case, repeated slashes and one trailing
     * slash do not matter; the path must start with {@code /api/}.
     */
    static Endpoint forPath(String rawPath) {
        String path = rawPath.replaceAll("/{2,}", "/");
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("/api/")) {
            return null;
        }
        return BY_LOWER_CASE_PATH.get(lower.substring("/api/".length()));
    }
}
