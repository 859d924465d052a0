package dev.tollgate.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and as whom the {@code cryptolens} backend talks to the Cryptolens Web API: the one model of the
 * {@code cryptolens:} section, with its defaults and its checks (the loopback rule among them). Immutable;
 * built with {@link #builder()}, by the config reader from a file or by hand. Building never fails:
 * {@link #problems()} lists what is wrong (the config reader maps each to its file and line), and a backend
 * built from settings with problems answers {@code MISCONFIGURED} to every call without touching the
 * network.
 *
 * <pre>{@code
 * CryptolensSettings s = CryptolensSettings.builder()
 *     .token(System.getenv("CRYPTOLENS_TOKEN")).productId(12345).key("FRQHQ-FSOSD-BWOPU-KJOWF")
 *     .build();
 * if (!s.problems().isEmpty()) { ... print them ... }
 * }</pre>
 *
 * <p>{@link #toString()} and the problems never show the token. Only JDK classes are used here, so
 * validating a configuration loads nothing of OkHttp or Jackson.
 */
public final class CryptolensSettings {

    /** The public Cryptolens Web API. */
    public static final String DEFAULT_URL = "https://api.cryptolens.io";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    /** Why plain {@code http://} to a host other than loopback is refused. */
    public static final String INSECURE_PROBLEM = "plain http:// is refused except to loopback, because the token "
            + "would travel unencrypted; use https:// or set cryptolens.allowInsecure: true";

    private final String url;
    private final String token;
    private final int productId;
    private final String key;
    private final String machineCode;
    private final boolean allowInsecure;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final List<Flaw> flaws;
    private final List<String> problems;

    private CryptolensSettings(Builder b) {
        this.url = trimToNull(b.url) == null ? DEFAULT_URL : b.url.trim();
        this.token = trimToNull(b.token);
        this.productId = b.productId;
        this.key = trimToNull(b.key);
        this.machineCode = trimToNull(b.machineCode);
        this.allowInsecure = b.allowInsecure;
        this.connectTimeout = b.connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : b.connectTimeout;
        this.readTimeout = b.readTimeout == null ? DEFAULT_READ_TIMEOUT : b.readTimeout;
        this.flaws = Collections.unmodifiableList(findFlaws());
        List<String> sentences = new ArrayList<>();
        for (Flaw f : flaws) {
            sentences.add(f.sentence);
        }
        this.problems = Collections.unmodifiableList(sentences);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change one of them. */
    public Builder toBuilder() {
        return new Builder().url(url).token(token).productId(productId).key(key).machineCode(machineCode)
                .allowInsecure(allowInsecure).connectTimeout(connectTimeout).readTimeout(readTimeout);
    }

    /** The base URL, e.g. {@code https://api.cryptolens.io}; requests go to {@code <url>/api/data/...}. */
    public String url() {
        return url;
    }

    /** The access token: a secret, for the request body only; never log it or put it in a message. */
    public String token() {
        return token;
    }

    public boolean hasToken() {
        return token != null;
    }

    /** The product id, or 0 when not set. */
    public int productId() {
        return productId;
    }

    /** The license key string, or null when not set. */
    public String key() {
        return key;
    }

    /** The key shortened for logs and messages: its first group, e.g. {@code FRQHQ-…}. */
    public String maskedKey() {
        return maskKey(key);
    }

    /** The machine code whose activation holds the counters, or null for counters on the key. */
    public String machineCode() {
        return machineCode;
    }

    public boolean allowInsecure() {
        return allowInsecure;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    /** What is wrong with these settings, one sentence each for people; empty when they are usable. */
    public List<String> problems() {
        return problems;
    }

    /** The same problems, each with the key it is about, for the config reader to give a file and line. */
    List<Flaw> flaws() {
        return flaws;
    }

    /**
     * One problem: the key, the message after {@code file:line: key: }, the sentence that stands alone, and
     * whether it is that the value is missing (which the config reader says in its own words).
     */
    static final class Flaw {
        final String key;
        final String message;
        final String sentence;
        final boolean missing;

        Flaw(String key, String message, String sentence, boolean missing) {
            this.key = key;
            this.message = message;
            this.sentence = sentence;
            this.missing = missing;
        }
    }

    private List<Flaw> findFlaws() {
        List<Flaw> p = new ArrayList<>();
        if (token == null) {
            add(p, "cryptolens.token", true, "missing (an access token with the ListDataObjects, AddDataObject, "
                    + "IncrementIntValue and DecrementIntValue permissions, created with Key lock -1)");
        }
        if (productId <= 0) {
            if (productId == 0) {
                add(p, "cryptolens.productId", true, "missing (the product's id, a positive number)");
            } else {
                add(p, "cryptolens.productId", false, "must be a positive number, not " + productId);
            }
        }
        if (key == null) {
            add(p, "cryptolens.key", true, "missing (the license key, e.g. FRQHQ-FSOSD-BWOPU-KJOWF)");
        }
        String urlProblem = urlProblem(url, allowInsecure);
        if (urlProblem == INSECURE_PROBLEM) {
            p.add(new Flaw("cryptolens.url", INSECURE_PROBLEM, INSECURE_PROBLEM, false));
        } else if (urlProblem != null) {
            add(p, "cryptolens.url", false, urlProblem);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            add(p, "cryptolens.connectTimeout", false, "must be positive, not " + connectTimeout);
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            add(p, "cryptolens.readTimeout", false, "must be positive, not " + readTimeout);
        }
        return p;
    }

    /** A flaw whose sentence is the key, "is" for a missing value, and the message; the token masked. */
    private void add(List<Flaw> flaws, String key, boolean missing, String message) {
        String safe = redact(message);
        flaws.add(new Flaw(key, safe, key + (missing ? " is " : " ") + safe, missing));
    }

    /** {@code text} with the token, plain or form-encoded (as in a query), masked. */
    private String redact(String text) {
        if (token == null) {
            return text;
        }
        String out = text.replace(token, "<redacted>");
        try {
            return out.replace(java.net.URLEncoder.encode(token, "UTF-8"), "<redacted>");
        } catch (java.io.UnsupportedEncodingException e) {
            return out; // UTF-8 is always supported
        }
    }

    /** The one rule for {@code cryptolens.url}, or null when the URL is usable. */
    private static String urlProblem(String url, boolean allowInsecure) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "not a URL: " + url;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getHost().isEmpty() || !(scheme.equals("https") || scheme.equals("http"))) {
            return "must be an https:// URL with a host, got " + url;
        }
        if (scheme.equals("http") && !allowInsecure && !Loopback.isLoopback(uri.getHost())) {
            return INSECURE_PROBLEM;
        }
        if (uri.getRawUserInfo() != null) {
            return "must not contain a user name or password";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "must not have a query or fragment (the token is configured as cryptolens.token)";
        }
        return null;
    }

    /** The key shortened for logs: its first group, e.g. {@code FRQHQ-…}. */
    static String maskKey(String key) {
        if (key == null) {
            return "<none>";
        }
        int end = Math.min(5, key.length());
        return key.length() <= end ? key : key.substring(0, end) + "…";
    }

    private static String trimToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        return t.isEmpty() ? null : t;
    }

    @Override
    public String toString() {
        return "CryptolensSettings{url=" + redact(url)
                + ", productId=" + productId
                + ", key=" + maskKey(key)
                + (machineCode == null ? "" : ", machineCode=" + machineCode)
                + ", token=" + (token == null ? "<none>" : "<redacted, " + token.length() + " chars>")
                + ", allowInsecure=" + allowInsecure
                + ", connectTimeout=" + connectTimeout.toMillis() + "ms"
                + ", readTimeout=" + readTimeout.toMillis() + "ms}";
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CryptolensSettings)) {
            return false;
        }
        CryptolensSettings other = (CryptolensSettings) o;
        return productId == other.productId && allowInsecure == other.allowInsecure
                && url.equals(other.url) && Objects.equals(token, other.token)
                && Objects.equals(key, other.key) && Objects.equals(machineCode, other.machineCode)
                && connectTimeout.equals(other.connectTimeout) && readTimeout.equals(other.readTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, token, productId, key, machineCode, allowInsecure, connectTimeout, readTimeout);
    }

    /** Collects settings; nothing is checked until {@link #build()}, and {@code build()} never throws. */
    public static final class Builder {
        private String url;
        private String token;
        private int productId;
        private String key;
        private String machineCode;
        private boolean allowInsecure;
        private Duration connectTimeout;
        private Duration readTimeout;

        private Builder() {
        }

        /** Base URL; null or blank means {@link #DEFAULT_URL}. */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder productId(int productId) {
            this.productId = productId;
            return this;
        }

        public Builder key(String key) {
            this.key = key;
            return this;
        }

        /** Counters on this machine's activation instead of on the key; null or blank for the key. */
        public Builder machineCode(String machineCode) {
            this.machineCode = machineCode;
            return this;
        }

        /** Allows plain http:// to hosts other than loopback (the token then travels unencrypted). */
        public Builder allowInsecure(boolean allowInsecure) {
            this.allowInsecure = allowInsecure;
            return this;
        }

        /** Null means {@link #DEFAULT_CONNECT_TIMEOUT}. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Null means {@link #DEFAULT_READ_TIMEOUT}. */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        public CryptolensSettings build() {
            return new CryptolensSettings(this);
        }
    }
}
