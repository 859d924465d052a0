package dev.tollgate.vendor.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.vendor.api.DataValue;
import dev.tollgate.vendor.api.KeyData;
import java.io.IOException;

/**
 * A top-up by order id, kept on the key as the data object {@code tollgate.order.<id>}: its string value
 * holds the feature and the units, sealed; its int value is the {@link Phase}.
 *
 * <pre>{@code
 * tollgate.order.A-1001   intValue 3 (done)
 *   stringValue {"feature":"export","units":500,"seal":"..."}
 * }</pre>
 */
record OrderRecord(String order, String feature, int units, Phase phase) {
    static final String PREFIX = "tollgate.order.";
    private static final ObjectMapper JSON = new ObjectMapper();

    String name() {
        return PREFIX + order;
    }

    OrderRecord in(Phase next) {
        return new OrderRecord(order, feature, units, next);
    }

    String stringValue(Seal seal) {
        ObjectNode node = JSON.createObjectNode();
        node.put("feature", feature);
        node.put("units", units);
        node.put("seal", seal.sign(sealed()));
        return node.toString();
    }

    private String sealed() {
        return name() + "|" + feature + "|" + units;
    }

    /** The record of {@code order} on the key, or {@code null}. */
    static OrderRecord find(KeyData key, String order, Seal seal) throws InvalidRecord {
        DataValue object = key.find(PREFIX + order).orElse(null);
        if (object == null) {
            return null;
        }
        Phase phase = Phase.of(object.intValue());
        JsonNode node;
        try {
            node = object.stringValue() == null ? null : JSON.readTree(object.stringValue());
        } catch (IOException e) {
            node = null;
        }
        if (phase == null || node == null || !node.path("feature").isTextual() || !node.path("units").isInt()) {
            throw new InvalidRecord(object.name() + " is not a record this tool wrote");
        }
        OrderRecord record = new OrderRecord(order, node.get("feature").textValue(), node.get("units").intValue(), phase);
        if (!seal.verifies(record.sealed(), node.path("seal").asText(null))) {
            throw new InvalidRecord(object.name() + " does not carry this vendor's seal (added by someone else, "
                    + "or sealed with another token or TOLLGATE_RECORD_SECRET)");
        }
        return record;
    }
}
