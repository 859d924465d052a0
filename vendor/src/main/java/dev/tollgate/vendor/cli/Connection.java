package dev.tollgate.vendor.cli;

import dev.tollgate.vendor.api.Backoff;
import dev.tollgate.vendor.api.WebApi;
import dev.tollgate.vendor.billing.Seal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.HttpUrl;
import picocli.CommandLine.Option;

/** The options every command shares: where the Web API is, the token, the product and the output. */
final class Connection {
    static final String DEFAULT_URL = "https://api.cryptolens.io";
    static final String RECORD_SECRET_ENV = "TOLLGATE_RECORD_SECRET";

    @Option(names = "--url", paramLabel = "URL", defaultValue = DEFAULT_URL,
            description = "The Cryptolens Web API (default: ${DEFAULT-VALUE}). Plain http:// only on loopback, "
                    + "or with --allow-http.")
    String url;

    @Option(names = "--allow-http", description = "Allow a plain http:// URL to a host other than loopback.")
    boolean allowHttp;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Read the access token from FILE (default: the environment variable CRYPTOLENS_TOKEN).")
    Path tokenFile;

    @Option(names = "--product", paramLabel = "ID", required = true, description = "The product id.")
    int product;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table, csv or json (default: ${DEFAULT-VALUE}).", converter = FormatConverter.class)
    Format format;

    @Option(names = "--progress", negatable = true,
            description = "A progress bar on stderr (default: only when run in a terminal).")
    Boolean progress;

    /** Parses {@code table|csv|json} without regard to case. */
    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            for (Format format : Format.values()) {
                if (format.name().equalsIgnoreCase(value)) {
                    return format;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("--format is table, csv or json, not: " + value);
        }
    }

    /** The token, the record seal and a client for the checked URL. */
    record Opened(WebApi api, Seal seal) {
    }

    Opened open(Map<String, String> env) throws CommandFailure {
        HttpUrl base = checkedUrl();
        String token = TokenSource.read(tokenFile, env);
        String secret = env.get(RECORD_SECRET_ENV);
        Seal seal = Seal.of(secret != null && !secret.isBlank() ? secret : token);
        return new Opened(new WebApi(base, token, Backoff.standard()), seal);
    }

    HttpUrl checkedUrl() throws CommandFailure {
        HttpUrl base = HttpUrl.parse(url);
        if (base == null) {
            throw new CommandFailure("--url must be an http:// or https:// URL, not: " + url);
        }
        if (!base.isHttps() && !allowHttp && !isLoopback(base.host())) {
            throw new CommandFailure("--url " + url + " is plain http to " + base.host()
                    + ": the token would travel unencrypted; use https, or --allow-http if you mean it");
        }
        return base;
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: never looked up, so a DNS answer cannot make it "loopback"
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
