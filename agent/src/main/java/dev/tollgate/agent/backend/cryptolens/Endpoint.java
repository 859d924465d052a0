package dev.tollgate.agent.backend.cryptolens;

/**
 * The four data-object methods this client calls. Each has a key-level path ({@code ...ToKey}) and a
 * machine-code path ({@code ...ToMachineCode}); the token permission is the same for both.
 */
enum Endpoint {
    LIST("ListDataObjects", false),
    ADD("AddDataObject", false),
    INCREMENT("IncrementIntValue", true),
    DECREMENT("DecrementIntValue", true);

    private final String method;
    private final boolean charges;

    Endpoint(String method, boolean charges) {
        this.method = method;
        this.charges = charges;
    }

    /** The name of the token permission ("Method lock" box) this call needs. */
    String permission() {
        return method;
    }

    /** The method name as the service knows it, e.g. {@code DecrementIntValueToKey}. */
    String name(boolean machineCode) {
        return method + (machineCode ? "ToMachineCode" : "ToKey");
    }

    /** The path below the base URL, e.g. {@code api/data/DecrementIntValueToKey}. */
    String path(boolean machineCode) {
        return "api/data/" + name(machineCode);
    }

    /** Whether the call moves a counter, so that a lost answer leaves the step ambiguous. */
    boolean charges() {
        return charges;
    }
}
