package dev.tollgate.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/** A JSON reply of the emulator: method fields first, then {@code result} and {@code message}. */
final class Reply {
    final int status;
    final Map<String, Object> fields;
    final Integer result;
    final String message;

    private Reply(int status, Map<String, Object> fields, Integer result, String message) {
        this.status = status;
        this.fields = fields;
        this.result = result;
        this.message = message;
    }

    static Reply ok() {
        return ok(new LinkedHashMap<>());
    }

    /** A success; {@code methodFields} come before {@code result} and {@code message}. */
    static Reply ok(Map<String, Object> methodFields) {
        Map<String, Object> fields = new LinkedHashMap<>(methodFields);
        fields.put("result", 0);
        fields.put("message", null);
        return new Reply(200, fields, 0, null);
    }

    static Reply error(String message) {
        return error(200, message);
    }

    static Reply error(int status, String message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("result", 1);
        fields.put("message", message);
        return new Reply(status, fields, 1, message);
    }

    /** The same failure sent with another HTTP status; a success is returned unchanged. */
    Reply withErrorStatus(int errorStatus) {
        return result != null && result == 1 && status == 200 ? new Reply(errorStatus, fields, result, message) : this;
    }

    /** The same reply with {@code result} as a JSON string. */
    Reply withResultAsString() {
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        copy.put("result", String.valueOf(result));
        return new Reply(status, copy, result, message);
    }

    String body() {
        return Json.write(fields);
    }
}
