package dev.tollgate.vendor.billing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the records the tool keeps on a customer's key (HMAC-SHA256, 128 bits shown), so that an object
 * the customer's own token could add is never taken for a record: a period marked closed, or an order
 * marked applied, counts only with a seal made from the vendor's secret.
 *
 * <pre>{@code
 * Seal seal = Seal.of(secret);
 * String s = seal.sign("tollgate.close.render.202611|120|120|reset");
 * boolean mine = seal.verifies("tollgate.close.render.202611|120|120|reset", s);
 * }</pre>
 */
public final class Seal {
    private final SecretKeySpec key;

    private Seal(byte[] secret) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** A seal keyed by {@code secret} (the record secret, or else the token). */
    public static Seal of(String secret) {
        return new Seal(secret.getBytes(StandardCharsets.UTF_8));
    }

    String sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] full = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(full, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    boolean verifies(String text, String seal) {
        return seal != null && MessageDigest.isEqual(sign(text).getBytes(StandardCharsets.US_ASCII),
                seal.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "Seal{<redacted>}";
    }
}
