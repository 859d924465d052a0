package dev.tollgate.agent.backend.cryptolens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.agent.backend.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One parsed Cryptolens reply: the JSON object with a readable {@code result}. Property names are
 * matched case-insensitively ({@code dataObjects} from the service, {@code DataObjects} from the license
 * server). Shape problems found while reading it become {@link Unusable} with an unavailable outcome.
 */
final class Reply {

    /** One data object of a list reply. */
    static final class DataObject {
        final long id;
        final String name;
        final int intValue;

        DataObject(long id, String name, int intValue) {
            this.id = id;
            this.name = name;
            this.intValue = intValue;
        }
    }

    private final String method;
    private final boolean ok;
    private final String message;
    private final JsonNode root;

    Reply(String method, boolean ok, String message, JsonNode root) {
        this.method = method;
        this.ok = ok;
        this.message = message;
        this.root = root;
    }

    /** {@code result == 0}. */
    boolean ok() {
        return ok;
    }

    /** The service's {@code message}, already redacted; null when there was none. */
    String message() {
        return message;
    }

    /** The {@code id} of an AddDataObject reply, or null when absent or not a positive number. */
    Long id() {
        JsonNode id = field(root, "id");
        Long value = id == null ? null : asLong(id);
        return value == null || value <= 0 ? null : value;
    }

    /** The {@code dataObjects} of a list reply; missing or null means none. */
    List<DataObject> dataObjects() throws Unusable {
        JsonNode list = field(root, "dataObjects");
        if (list == null || list.isNull()) {
            return Collections.emptyList();
        }
        if (!list.isArray()) {
            throw shape("dataObjects is not a list");
        }
        List<DataObject> out = new ArrayList<>(list.size());
        for (JsonNode item : list) {
            if (!item.isObject()) {
                throw shape("an entry of dataObjects is not an object");
            }
            JsonNode id = field(item, "id");
            JsonNode name = field(item, "name");
            JsonNode value = field(item, "intValue");
            Long idValue = id == null ? null : asLong(id);
            if (idValue == null) {
                throw shape("a data object has no numeric id");
            }
            if (name != null && !name.isNull() && !name.isTextual()) {
                throw shape("a data object's name is not text");
            }
            Integer intValue = value == null || value.isNull() ? Integer.valueOf(0) : asInt(value);
            if (intValue == null) {
                throw shape("a data object's intValue is not an int32");
            }
            out.add(new DataObject(idValue, name == null || name.isNull() ? null : name.asText(), intValue));
        }
        return out;
    }

    private Unusable shape(String what) {
        return new Unusable(Outcome.unavailable(method + " answered an unexpected reply: " + what));
    }

    /** The property named {@code name} in any letter case, or null. */
    static JsonNode field(JsonNode object, String name) {
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static Long asLong(JsonNode n) {
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n.isTextual()) {
            try {
                return Long.parseLong(n.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Integer asInt(JsonNode n) {
        Long l = asLong(n);
        return l == null || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE ? null : Integer.valueOf(l.intValue());
    }
}
