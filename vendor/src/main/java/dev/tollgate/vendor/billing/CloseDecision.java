package dev.tollgate.vendor.billing;

import dev.tollgate.vendor.api.DataValue;
import dev.tollgate.vendor.api.KeyData;
import java.util.Map;
import java.util.TreeMap;

/**
 * The next step of closing one feature of one key for a period, from what the key holds now. Pure: it
 * reads the key's data objects and returns a {@link Step}; {@link StepRunner} carries it out and asks
 * again, until {@link Step.Done}. README "Billing" explains why this order of steps is crash-safe.
 */
final class CloseDecision {
    private final String feature;
    private final Period period;
    private final Mode mode;
    private final boolean dryRun;
    private final Seal seal;

    CloseDecision(String feature, Period period, Mode mode, boolean dryRun, Seal seal) {
        this.feature = feature;
        this.period = period;
        this.mode = mode;
        this.dryRun = dryRun;
        this.seal = seal;
    }

    /** The record the close ends with, and whether it is on the key (not in a dry run's first look). */
    record Closed(CloseRecord record, boolean onKey) {
    }

    Step<Closed> next(KeyData key) {
        TreeMap<Period, CloseRecord> records;
        try {
            records = CloseRecord.all(key, feature, seal);
        } catch (InvalidRecord e) {
            return new Step.Failed<>(e.getMessage());
        }
        DataValue counter = key.find(feature).orElse(null);
        int value = counter == null ? 0 : counter.intValue();
        CloseRecord record = records.get(period);
        if (record == null) {
            return start(records, value);
        }
        if (record.phase() == Phase.DONE || dryRun) {
            return new Step.Done<>(new Closed(record, true));
        }
        if (record.mode() != mode) {
            return new Step.Failed<>("the close of " + period + " was started with --" + record.mode().word()
                    + "; finish it with --" + record.mode().word());
        }
        if (counter == null) {
            return new Step.Failed<>("the counter " + feature + " was removed while " + period + " was closing");
        }
        boolean tagged = value >= Tag.THRESHOLD;
        if (record.phase() == Phase.INTENT) {
            return tagged ? new Step.SetInt<>(record.name(), Phase.TAGGED.code) : new Step.Increment<>(feature, Tag.AMOUNT);
        }
        return tagged ? new Step.Decrement<>(feature, Tag.AMOUNT + record.read())
                : new Step.SetInt<>(record.name(), Phase.DONE.code);
    }

    private Step<Closed> start(TreeMap<Period, CloseRecord> records, int value) {
        for (CloseRecord other : records.values()) {
            if (other.phase() != Phase.DONE) {
                return new Step.Failed<>("the close of " + other.period() + " is unfinished: run close --period "
                        + other.period() + " first");
            }
        }
        Map.Entry<Period, CloseRecord> later = records.higherEntry(period);
        if (later != null) {
            return new Step.Failed<>(later.getKey() + " is already closed: periods close in order, " + period
                    + " can no longer be");
        }
        Map.Entry<Period, CloseRecord> previous = records.lowerEntry(period);
        int base = previous == null ? 0 : previous.getValue().carried();
        if (value >= Tag.THRESHOLD || value < 0) {
            return new Step.Failed<>("the counter " + feature + " is " + value + ", outside 0.." + (Tag.THRESHOLD - 1)
                    + " that a close can handle");
        }
        if (value < base) {
            return new Step.Failed<>("the counter " + feature + " is " + value + ", below the " + base + " carried from "
                    + previous.getKey() + ": it was changed by other means; settle it by hand");
        }
        CloseRecord record = new CloseRecord(feature, period, value, value - base, mode,
                mode == Mode.CARRY || value == 0 ? Phase.DONE : Phase.INTENT);
        if (dryRun) {
            return new Step.Done<>(new Closed(record, false));
        }
        return new Step.Add<>(record.name(), record.phase().code, record.stringValue(seal));
    }
}
