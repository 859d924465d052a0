package dev.tollgate.agent.grant;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A top-up the vendor sold: {@code units} more credits of {@code feature} for {@code customer}, with a unique
 * {@code id}, signed with the vendor's private key ({@code SHA256withECDSA} over {@link #canonical()}).
 *
 * <p>The file is text, one {@code key: value} per line ({@code #} starts a comment):
 * <pre>{@code
 * version: 1
 * id: 2026-0042
 * customer: acme
 * feature: export
 * units: 1000
 * key: sha256:3f1c0b9a5e7d2c4f8a6b1d0e9c7f5a3b
 * signature: MEUCIQD...
 * }</pre>
 * {@code key} names the signing key by its {@link GrantKeys#fingerprint fingerprint}, so that a grant signed with
 * another key is told apart from one edited after signing.
 *
 * <pre>{@code
 * GrantFile g = GrantFile.parse(text);
 * boolean genuine = g.key().equals(GrantKeys.fingerprint(vendorKey)) && g.verifiedBy(vendorKey);
 * }</pre>
 */
public final class GrantFile {

    /** Thrown for text that is not a grant; the message names the line and what is wrong. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    static final String ALGORITHM = "SHA256withECDSA";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern FEATURE = Pattern.compile("[^\\s\\p{Cntrl}]{1,100}");
    private static final Pattern CUSTOMER = Pattern.compile("[^\\p{Cntrl}]{1,200}");
    private static final Pattern KEY = Pattern.compile("sha256:[0-9a-f]{32}");
    private static final String[] FIELDS = {"version", "id", "customer", "feature", "units", "key", "signature"};

    private final String id;
    private final String customer;
    private final String feature;
    private final long units;
    private final String key;
    private final byte[] signature;

    private GrantFile(String id, String customer, String feature, long units, String key, byte[] signature) {
        this.id = id;
        this.customer = customer;
        this.feature = feature;
        this.units = units;
        this.key = key;
        this.signature = signature;
    }

    /** Signs a new grant; every value is checked as {@link #parse} checks it. */
    public static GrantFile sign(String id, String customer, String feature, long units, PrivateKey with,
            String keyFingerprint) throws Malformed, GeneralSecurityException {
        check("id", id, ID, "letters, digits and . _ : - (at most 64)");
        check("customer", customer, CUSTOMER, "1 to 200 characters on one line");
        check("feature", feature, FEATURE, "a feature name without spaces");
        if (units < 1) {
            throw new Malformed("units must be a whole number of at least 1, not " + units);
        }
        GrantFile unsigned = new GrantFile(id, customer, feature, units, keyFingerprint, new byte[0]);
        Signature s = Signature.getInstance(ALGORITHM);
        s.initSign(with);
        s.update(unsigned.canonical());
        return new GrantFile(id, customer, feature, units, keyFingerprint, s.sign());
    }

    /** Reads a grant file's text. */
    public static GrantFile parse(String text) throws Malformed {
        Map<String, String> values = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? line : line.substring(0, colon).trim();
            if (colon < 0 || !known(name)) {
                throw new Malformed("line " + (i + 1) + ": '" + shorten(line) + "' is not one of the fields "
                        + String.join(", ", FIELDS));
            }
            if (values.put(name, line.substring(colon + 1).trim()) != null) {
                throw new Malformed("line " + (i + 1) + ": " + name + " is given twice");
            }
        }
        for (String f : FIELDS) {
            if (!values.containsKey(f)) {
                throw new Malformed("it has no " + f + ": line");
            }
        }
        if (!"1".equals(values.get("version"))) {
            throw new Malformed("version " + shorten(values.get("version")) + " is not known; this agent reads 1");
        }
        String id = check("id", values.get("id"), ID, "letters, digits and . _ : - (at most 64)");
        String customer = check("customer", values.get("customer"), CUSTOMER, "1 to 200 characters on one line");
        String feature = check("feature", values.get("feature"), FEATURE, "a feature name without spaces");
        String key = check("key", values.get("key"), KEY, "sha256: and 32 hex digits");
        long units;
        try {
            units = Long.parseLong(values.get("units"));
        } catch (NumberFormatException e) {
            units = 0;
        }
        if (units < 1) {
            throw new Malformed("units '" + shorten(values.get("units")) + "' is not a whole number of at least 1");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(values.get("signature"));
        } catch (IllegalArgumentException e) {
            throw new Malformed("signature is not base64");
        }
        return new GrantFile(id, customer, feature, units, key, signature);
    }

    /** The bytes the signature covers: every field but the signature, in a fixed order and form. */
    public byte[] canonical() {
        return ("tollgate-grant\nversion:1\nid:" + id + "\ncustomer:" + customer + "\nfeature:" + feature + "\nunits:"
                + units + "\nkey:" + key + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the signature is {@code vendor}'s over this grant's fields. */
    public boolean verifiedBy(PublicKey vendor) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(vendor);
            s.update(canonical());
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // a signature that is not even DER is not the vendor's
        }
    }

    /** The file's text. */
    public String format() {
        return "# A Tollgate top-up: put this file into the product's ledger folder, under grants/\n"
                + "version: 1\nid: " + id + "\ncustomer: " + customer + "\nfeature: " + feature + "\nunits: " + units
                + "\nkey: " + key + "\nsignature: " + Base64.getEncoder().encodeToString(signature) + "\n";
    }

    public String id() {
        return id;
    }

    public String customer() {
        return customer;
    }

    public String feature() {
        return feature;
    }

    public long units() {
        return units;
    }

    /** The fingerprint of the key that signed it, as the file says. */
    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return "grant " + id + " (" + units + " credits of '" + feature + "' for '" + customer + "')";
    }

    private static boolean known(String name) {
        for (String f : FIELDS) {
            if (f.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String check(String name, String value, Pattern p, String expected) throws Malformed {
        if (value == null || !p.matcher(value).matches()) {
            throw new Malformed(name + " '" + shorten(value) + "' is not valid: " + expected);
        }
        return value;
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
