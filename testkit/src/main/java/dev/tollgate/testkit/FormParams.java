package dev.tollgate.testkit;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of one request: query string and form body merged, names without regard to case.
 * The first occurrence of a name wins, and the form body is read before the query string.
 * Values are bound leniently, as ASP.NET model binding does: an empty value is no value, and a value
 * that does not parse as the wanted type is that type's default.
 */
final class FormParams {
    /** Lower-case name to the entry as sent (original name and value). */
    private final Map<String, Map.Entry<String, String>> byLowerCaseName = new LinkedHashMap<>();
    private boolean malformed;

    /** Adds every pair of an {@code application/x-www-form-urlencoded} string. */
    void addEncoded(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                name = URLDecoder.decode(name, StandardCharsets.UTF_8);
                value = URLDecoder.decode(value, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException badPercentEscape) {
                malformed = true;
                continue;
            }
            byLowerCaseName.putIfAbsent(name.toLowerCase(Locale.ROOT), Map.entry(name, value));
        }
    }

    /** True when some pair could not be decoded (a bad percent escape). */
    boolean malformed() {
        return malformed;
    }

    /** The value of a parameter as sent, or {@code null} when absent or empty. */
    String string(String name) {
        Map.Entry<String, String> entry = byLowerCaseName.get(name.toLowerCase(Locale.ROOT));
        return entry == null || entry.getValue().isEmpty() ? null : entry.getValue();
    }

    int int32(String name) {
        String value = string(name);
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    long int64(String name) {
        String value = string(name);
        if (value == null) {
            return 0L;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0L;
        }
    }

    boolean bool(String name) {
        String value = string(name);
        return value != null && value.trim().equalsIgnoreCase("true");
    }

    /** Every parameter as sent (original names, first occurrence), except {@code token}. */
    Map<String, String> withoutToken() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map.Entry<String, String>> e : byLowerCaseName.entrySet()) {
            if (!e.getKey().equals("token")) {
                out.put(e.getValue().getKey(), e.getValue().getValue());
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
