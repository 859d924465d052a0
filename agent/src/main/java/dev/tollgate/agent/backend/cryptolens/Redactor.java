package dev.tollgate.agent.backend.cryptolens;

import java.io.UnsupportedEncodingException;
import java.net.URLEncoder;

/**
 * Removes one secret (the access token) from any text before it becomes a detail, a log line or a
 * {@code toString}. The token travels in the form body, never in the URL, so it should never be in an
 * exception message; this is the defence for when it is anyway (a server that echoes it, a proxy page).
 */
final class Redactor {

    static final String MASK = "<redacted>";

    private final String raw;
    private final String formEncoded;

    Redactor(String secret) {
        this.raw = secret == null || secret.isEmpty() ? null : secret;
        this.formEncoded = raw == null ? null : formEncode(raw);
    }

    /** {@code text} with every occurrence of the secret, plain or form-encoded, replaced by a mask. */
    String apply(String text) {
        if (text == null || raw == null) {
            return text;
        }
        String out = text.replace(raw, MASK);
        if (!formEncoded.equals(raw)) {
            out = out.replace(formEncoded, MASK);
        }
        return out;
    }

    static String formEncode(String s) {
        try {
            return URLEncoder.encode(s, "UTF-8");
        } catch (UnsupportedEncodingException e) {
            throw new AssertionError("UTF-8 is always supported", e);
        }
    }
}
