package dev.tollgate.testkit;

/**
 * A live handle on one data object in the emulator: its reads show the current state, and its setters
 * change the object as the vendor's server would (the emulator's own {@code SetIntValue}).
 *
 * <pre>{@code
 * DataObject credits = emulator.product(3941).key("AAAAA-BBBBB-CCCCC-DDDDD").dataObject("credits", 10);
 * // ... the product under test spends three credits ...
 * assertThat(credits.intValue()).isEqualTo(7);
 * credits.setIntValue(1000); // the customer bought more
 * }</pre>
 *
 * <p>Every change is atomic per object: an increment or decrement over HTTP and a setter here never
 * interleave.
 */
public final class DataObject {
    private final long id;
    private final String name;
    private final Owner owner;
    private int intValue;
    private String stringValue;
    private boolean removed;

    DataObject(long id, String name, int intValue, String stringValue, Owner owner) {
        this.id = id;
        this.name = name;
        this.intValue = intValue;
        this.stringValue = stringValue;
        this.owner = owner;
    }

    /** The id the Web API knows the object by. */
    public long id() {
        return id;
    }

    /** The name, or {@code null} for an object added without one. */
    public String name() {
        return name;
    }

    public synchronized int intValue() {
        return intValue;
    }

    public synchronized String stringValue() {
        return stringValue;
    }

    /** Sets the int value, as the vendor's server would with {@code SetIntValue}. */
    public synchronized void setIntValue(int value) {
        intValue = value;
    }

    public synchronized void setStringValue(String value) {
        stringValue = value;
    }

    /** True once the object was removed; a removed object is never found again. */
    public synchronized boolean isRemoved() {
        return removed;
    }

    Owner owner() {
        return owner;
    }

    synchronized void markRemoved() {
        removed = true;
    }

    /**
     * Adds {@code delta} (negative to decrement) if the result stays an int32 and, when
     * {@code enableBound}, does not cross the inclusive {@code bound}: above it for an increment,
     * below it for a decrement. Otherwise nothing changes.
     *
     * @return {@code null} on success, else the error message
     */
    synchronized String step(long delta, boolean increment, boolean enableBound, int bound) {
        if (removed) {
            return Messages.NOT_FOUND;
        }
        long next = (long) intValue + delta;
        if (enableBound && (increment ? next > bound : next < bound)) {
            return Messages.BOUND_REACHED;
        }
        if (next > Integer.MAX_VALUE || next < Integer.MIN_VALUE) {
            return Messages.OVERFLOW;
        }
        intValue = (int) next;
        return null;
    }

    /** Sets the int value unless the object was removed meanwhile; {@code null} on success. */
    synchronized String setIfPresent(int value) {
        if (removed) {
            return Messages.NOT_FOUND;
        }
        intValue = value;
        return null;
    }

    synchronized String setStringIfPresent(String value) {
        if (removed) {
            return Messages.NOT_FOUND;
        }
        stringValue = value;
        return null;
    }

    @Override
    public synchronized String toString() {
        return "DataObject{id=" + id + ", name=" + name + ", intValue=" + intValue
                + ", stringValue=" + stringValue + (removed ? ", removed" : "") + "}";
    }
}
