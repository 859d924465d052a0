package dev.tollgate.vendor.billing;

/**
 * How far a change recorded on a key got; the int value of its record object. See README "Billing"
 * for why three phases make a reset or a top-up happen exactly once.
 */
enum Phase {
    /** The record exists; the counter has not been tagged yet (or the tag's answer was lost). */
    INTENT(1),
    /** The counter was seen tagged; the one step that removes the tag and applies the change is next. */
    TAGGED(2),
    /** The change was seen applied. */
    DONE(3);

    final int code;

    Phase(int code) {
        this.code = code;
    }

    static Phase of(int code) {
        for (Phase phase : values()) {
            if (phase.code == code) {
                return phase;
            }
        }
        return null;
    }
}
