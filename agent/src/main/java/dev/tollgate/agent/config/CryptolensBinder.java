package dev.tollgate.agent.config;

import java.time.Duration;
import java.util.Map;

/**
 * Binds {@code cryptolens:} into the one settings model, {@link CryptolensSettings}: reads each value (a
 * missing or mistyped one is a problem at its line), then gives every problem the model finds (the URL and
 * the loopback rule, for example) the file and line of the key it is about.
 *
 * <pre>{@code
 * cryptolens:
 *   token: ${CRYPTOLENS_TOKEN}
 *   productId: 12345
 *   key: FRQHQ-FSOSD-BWOPU-KJOWF
 * }</pre>
 */
final class CryptolensBinder {

    private final Values values;

    CryptolensBinder(Values values) {
        this.values = values;
    }

    /** The settings, or null when a required value is missing or unreadable. */
    CryptolensSettings bind(YamlNode node) {
        Map<String, YamlNode> c = values.mapping(node, "cryptolens");
        if (c == null) {
            return null;
        }
        values.allowOnly(c, "cryptolens", "url", "token", "productId", "key", "machineCode", "allowInsecure",
                "connectTimeout", "readTimeout");
        String url = c.containsKey("url") ? values.text(c.get("url"), "cryptolens.url")
                : CryptolensSettings.DEFAULT_URL;
        String token = values.required(c, node, "cryptolens.token", "token");
        String key = values.required(c, node, "cryptolens.key", "key");
        Long productId = null;
        if (c.containsKey("productId")) {
            productId = values.whole(c.get("productId"), "cryptolens.productId", 1, Integer.MAX_VALUE);
        } else {
            values.problem(node, "cryptolens.productId", "missing: the product id from the Cryptolens dashboard");
        }
        String machineCode = c.containsKey("machineCode")
                ? values.text(c.get("machineCode"), "cryptolens.machineCode") : null;
        boolean insecure = c.containsKey("allowInsecure") && Boolean.TRUE.equals(values.bool(c.get("allowInsecure"),
                "cryptolens.allowInsecure"));
        Long connect = c.containsKey("connectTimeout")
                ? values.millis(c.get("connectTimeout"), "cryptolens.connectTimeout")
                : Long.valueOf(CryptolensSettings.DEFAULT_CONNECT_TIMEOUT.toMillis());
        Long read = c.containsKey("readTimeout") ? values.millis(c.get("readTimeout"), "cryptolens.readTimeout")
                : Long.valueOf(CryptolensSettings.DEFAULT_READ_TIMEOUT.toMillis());
        CryptolensSettings settings = CryptolensSettings.builder().url(url).token(token)
                .productId(productId == null ? 0 : productId.intValue()).key(key).machineCode(machineCode)
                .allowInsecure(insecure)
                .connectTimeout(connect == null ? null : Duration.ofMillis(connect))
                .readTimeout(read == null ? null : Duration.ofMillis(read))
                .build();
        for (CryptolensSettings.Flaw flaw : settings.flaws()) {
            if (!flaw.missing) { // a missing or unreadable value is reported above, in the words of the file
                String name = flaw.key.substring("cryptolens.".length());
                values.problem(c.containsKey(name) ? c.get(name) : node, flaw.key, flaw.message);
            }
        }
        if (url == null || token == null || key == null || productId == null || connect == null || read == null) {
            return null;
        }
        return settings;
    }
}
