package dev.tollgate.agent.backend.cryptolens;

import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.config.CryptolensSettings;
import java.util.Locale;

/**
 * Turns a refusal ({@code result: 1}) into an outcome that tells the vendor what to fix. Only the
 * message texts verified in the spec (§2.6) are recognised; comparison ignores case and a final period.
 * The bound-reached and object-not-found texts are unknown, so those refusals are not decided here but
 * by listing the counter again ({@link CryptolensBackend}).
 */
final class Refusals {

    static final String UNABLE_TO_AUTHENTICATE = "unable to authenticate";
    static final String ACCESS_DENIED = "access denied";
    static final String NOT_ENOUGH_PERMISSION = "not enough permission and/or key not found";
    private static final String INPUT_INCORRECT = "the input parameters were incorrect";
    private static final String PRODUCT_NOT_FOUND = "could not find the product";
    private static final String KEY_NOT_FOUND = "could not find the key";
    private static final String KEY_BLOCKED = "the key is blocked and cannot be accessed";
    private static final String NO_SUBSCRIPTION = "no active subscription found";
    private static final String SERVER_ERROR = "something went wrong";

    private final CryptolensSettings settings;

    Refusals(CryptolensSettings settings) {
        this.settings = settings;
    }

    /**
     * The outcome for a refusal whose text alone decides it, or null when the counter has to be listed
     * to tell (the bound, a missing or replaced object, or a text we do not know).
     */
    Outcome decide(Endpoint endpoint, String message) {
        String m = normalize(message);
        String method = endpoint.name(machine());
        String quoted = quote(message);
        if (m.equals(UNABLE_TO_AUTHENTICATE)) {
            return Outcome.misconfigured("Cryptolens did not accept the access token (" + quoted + "): check "
                    + "cryptolens.token; it may be mistyped or deleted, or the Cryptolens account's subscription "
                    + "may have ended");
        }
        if (m.equals(ACCESS_DENIED)) {
            return Outcome.misconfigured("Cryptolens refused " + method + " (" + quoted + "): give the access "
                    + "token the " + endpoint.permission() + " permission, and if it has a Product lock, make it "
                    + "product " + settings.productId());
        }
        if (m.equals(NOT_ENOUGH_PERMISSION)) {
            // From a list it is about the key; from a step it may also mean the object id is gone.
            return endpoint == Endpoint.LIST ? keyUnreachable(quoted) : null;
        }
        if (m.equals(PRODUCT_NOT_FOUND)) {
            return Outcome.misconfigured("Cryptolens could not find product " + settings.productId() + " ("
                    + quoted + "): check cryptolens.productId");
        }
        if (m.equals(KEY_NOT_FOUND)) {
            return Outcome.misconfigured("Cryptolens could not find license key " + key() + " (" + quoted
                    + "): check cryptolens.key and cryptolens.productId");
        }
        if (m.equals(KEY_BLOCKED)) {
            return Outcome.misconfigured("license key " + key() + " is blocked on Cryptolens (" + quoted
                    + "): unblock it in the Cryptolens dashboard or give the customer another key");
        }
        if (m.startsWith(NO_SUBSCRIPTION)) {
            return Outcome.misconfigured("the Cryptolens account has no active subscription (" + quoted
                    + "): renew it with Cryptolens");
        }
        if (m.equals(INPUT_INCORRECT)) {
            return Outcome.misconfigured("Cryptolens found the input of " + method + " incorrect (" + quoted
                    + "): check cryptolens.productId, cryptolens.key"
                    + (machine() ? ", cryptolens.machineCode" : "") + " and the counter name");
        }
        if (m.startsWith(SERVER_ERROR)) {
            String detail = "Cryptolens had a server error in " + method + " (" + quoted + ")";
            // A server error may strike after the step was applied.
            return endpoint.charges() ? Outcome.ambiguous(detail) : Outcome.unavailable(detail);
        }
        if (endpoint == Endpoint.LIST) {
            return unknown(method, quoted, "");
        }
        return null;
    }

    /** The key (or the machine code's activation) cannot be reached with this token. */
    Outcome keyUnreachable(String quoted) {
        return Outcome.misconfigured("Cryptolens could not reach license key " + key() + " of product "
                + settings.productId() + " with this access token (" + quoted + "): check cryptolens.key and "
                + "cryptolens.productId, and create the token with Key lock -1"
                + (machine() ? "; the machine code " + settings.machineCode() + " must be activated on the key" : ""));
    }

    /**
     * A step was refused although the listed counter shows that it would have fit: not the bound. With
     * the verified not-found text that is the token's key access; otherwise an unknown text, most likely
     * the token's Feature lock (the largest step it allows).
     */
    Outcome refusedWithRoom(Endpoint endpoint, String message, String counter, long value, int units) {
        String method = endpoint.name(machine());
        String quoted = quote(message);
        if (normalize(message).equals(NOT_ENOUGH_PERMISSION)) {
            return Outcome.misconfigured("Cryptolens refused " + method + " on counter '" + counter + "' (" + quoted
                    + ") although the counter can be listed: give the access token the " + endpoint.permission()
                    + " permission and create it with Key lock -1");
        }
        return unknown(method, quoted, " on counter '" + counter + "' (value " + value + ", step " + units
                + "); if the access token has a Feature lock, it must be at least " + units);
    }

    /** AddDataObject was refused and the counter is still not there. */
    Outcome createRefused(String counter, String message) {
        return unknown(Endpoint.ADD.name(machine()), quote(message), " for counter '" + counter
                + "'; counter names of at most 10 characters are the safest");
    }

    private static Outcome unknown(String method, String quoted, String context) {
        return Outcome.misconfigured("Cryptolens refused " + method + " with " + quoted + context);
    }

    private boolean machine() {
        return settings.machineCode() != null;
    }

    private String key() {
        return settings.maskedKey();
    }

    private static String quote(String message) {
        return message == null ? "no message" : "\"" + Wire.clip(message) + "\"";
    }

    static String normalize(String message) {
        if (message == null) {
            return "";
        }
        String m = message.trim().toLowerCase(Locale.ROOT);
        while (m.endsWith(".")) {
            m = m.substring(0, m.length() - 1).trim();
        }
        return m;
    }
}
