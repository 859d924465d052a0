package dev.tollgate.vendor.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.vendor.api.DataValue;
import dev.tollgate.vendor.api.KeyData;
import java.io.IOException;
import java.util.TreeMap;

/**
 * What a close did to one feature of one key for one period, kept on the key as the data object
 * {@code tollgate.close.<feature>.<yyyymm>}: its string value holds the counter value read, the units
 * billed and the mode, sealed; its int value is the {@link Phase}.
 *
 * <pre>{@code
 * tollgate.close.render.202611   intValue 3 (done)
 *   stringValue {"read":120,"billed":120,"mode":"reset","seal":"..."}
 * }</pre>
 */
record CloseRecord(String feature, Period period, int read, int billed, Mode mode, Phase phase) {
    static final String PREFIX = "tollgate.close.";
    private static final ObjectMapper JSON = new ObjectMapper();

    String name() {
        return name(feature, period);
    }

    static String name(String feature, Period period) {
        return PREFIX + feature + "." + period.code();
    }

    /** What the next period's carry starts from: the value read, after a carry; 0 after a reset. */
    int carried() {
        return mode == Mode.CARRY ? read : 0;
    }

    CloseRecord in(Phase next) {
        return new CloseRecord(feature, period, read, billed, mode, next);
    }

    String stringValue(Seal seal) {
        ObjectNode node = JSON.createObjectNode();
        node.put("read", read);
        node.put("billed", billed);
        node.put("mode", mode.word());
        node.put("seal", seal.sign(sealed()));
        return node.toString();
    }

    private String sealed() {
        return name() + "|" + read + "|" + billed + "|" + mode.word();
    }

    /** Every record of {@code feature} on the key, by period. */
    static TreeMap<Period, CloseRecord> all(KeyData key, String feature, Seal seal) throws InvalidRecord {
        TreeMap<Period, CloseRecord> out = new TreeMap<>();
        String prefix = PREFIX + feature + ".";
        for (DataValue object : key.dataObjects()) {
            String name = object.name();
            if (name == null || !name.startsWith(prefix) || !name.substring(prefix.length()).matches("\\d{6}")) {
                continue;
            }
            Period period = Period.ofCode(Integer.parseInt(name.substring(prefix.length())));
            if (period == null) {
                continue;
            }
            if (out.containsKey(period)) {
                throw new InvalidRecord(name + " is on the key twice");
            }
            out.put(period, parse(object, feature, period, seal));
        }
        return out;
    }

    private static CloseRecord parse(DataValue object, String feature, Period period, Seal seal) throws InvalidRecord {
        Phase phase = Phase.of(object.intValue());
        JsonNode node;
        try {
            node = object.stringValue() == null ? null : JSON.readTree(object.stringValue());
        } catch (IOException e) {
            node = null;
        }
        Mode mode = node == null ? null : Mode.of(node.path("mode").asText());
        if (phase == null || node == null || mode == null || !node.path("read").isInt() || !node.path("billed").isInt()) {
            throw new InvalidRecord(object.name() + " is not a record this tool wrote");
        }
        CloseRecord record = new CloseRecord(feature, period, node.get("read").intValue(), node.get("billed").intValue(),
                mode, phase);
        if (!seal.verifies(record.sealed(), node.path("seal").asText(null))) {
            throw new InvalidRecord(object.name() + " does not carry this vendor's seal (added by someone else, or sealed "
                    + "with another token or TOLLGATE_RECORD_SECRET)");
        }
        return record;
    }
}
