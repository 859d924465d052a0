package dev.tollgate.vendor.billing;

import dev.tollgate.vendor.api.DataValue;
import dev.tollgate.vendor.api.KeyData;

/**
 * The next step of applying one top-up order to a key, from what the key holds now. Pure, as
 * {@link CloseDecision}: the order's record makes the same order id add its units once.
 */
final class TopupDecision {
    private final OrderRecord order;
    private final Seal seal;

    TopupDecision(String orderId, String feature, int units, Seal seal) {
        this.order = new OrderRecord(orderId, feature, units, Phase.INTENT);
        this.seal = seal;
    }

    Step<OrderRecord> next(KeyData key) {
        OrderRecord record;
        try {
            record = OrderRecord.find(key, order.order(), seal);
        } catch (InvalidRecord e) {
            return new Step.Failed<>(e.getMessage());
        }
        DataValue counter = key.find(order.feature()).orElse(null);
        if (record == null) {
            if (counter == null) {
                return new Step.Add<>(order.feature(), 0, null);
            }
            if (counter.intValue() <= -Tag.THRESHOLD || (long) counter.intValue() + order.units() > Integer.MAX_VALUE) {
                return new Step.Failed<>("the counter " + order.feature() + " is " + counter.intValue()
                        + ": adding " + order.units() + " would leave the range a top-up can handle");
            }
            return new Step.Add<>(order.name(), Phase.INTENT.code, order.stringValue(seal));
        }
        if (!record.feature().equals(order.feature()) || record.units() != order.units()) {
            return new Step.Failed<>("order " + order.order() + " was already used on this key for " + record.units()
                    + " units of " + record.feature());
        }
        if (record.phase() == Phase.DONE) {
            return new Step.Done<>(record);
        }
        if (counter == null) {
            return new Step.Failed<>("the counter " + order.feature() + " was removed while order " + order.order()
                    + " was being applied");
        }
        boolean tagged = counter.intValue() <= -Tag.THRESHOLD;
        if (record.phase() == Phase.INTENT) {
            return tagged ? new Step.SetInt<>(record.name(), Phase.TAGGED.code) : new Step.Decrement<>(order.feature(), Tag.AMOUNT);
        }
        return tagged ? new Step.Increment<>(order.feature(), Tag.AMOUNT + order.units())
                : new Step.SetInt<>(record.name(), Phase.DONE.code);
    }
}
