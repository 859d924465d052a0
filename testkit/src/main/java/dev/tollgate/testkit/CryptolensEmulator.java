package dev.tollgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import mockwebserver3.MockWebServer;

/**
 * An in-process stand-in for the Cryptolens Web API's data-object methods, served over real HTTP on
 * 127.0.0.1. Point a client's base URL at {@link #url()}: it then posts to
 * {@code url() + "/api/data/DecrementIntValueToKey"} and so on, exactly as to
 * {@code https://api.cryptolens.io}.
 *
 * <pre>{@code
 * try (CryptolensEmulator emulator = CryptolensEmulator.start()) {
 *     LicenseKey key = emulator.product(3941).key("AAAAA-BBBBB-CCCCC-DDDDD");
 *     key.dataObject("export", 3);
 *     emulator.token("T", Permission.allData()).keyLock(-1);
 *
 *     runProductUnderTest(emulator.url(), "T");   // it spends one export
 *
 *     assertThat(emulator.value(3941, "AAAAA-BBBBB-CCCCC-DDDDD", "export")).isEqualTo(2);
 *     assertThat(emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY)).hasSize(1);
 *
 *     emulator.failNext(Fault.serverError());     // and now the backend has a bad moment
 *     ...
 * }
 * }</pre>
 *
 * <p>Served: the {@code ...ToKey} and {@code ...ToMachineCode} variants of AddDataObject,
 * ListDataObjects, IncrementIntValue, DecrementIntValue, SetIntValue, SetStringValue and RemoveDataObject;
 * the general by-id IncrementIntValue, DecrementIntValue, SetIntValue, SetStringValue and RemoveDataObject;
 * {@code product/GetKeys} (a product's keys, page by page); and {@code auth/KeyLock}. See {@link Endpoint}.
 *
 * <p>All methods are thread-safe. Nothing is ever printed; a token never appears in any
 * {@code toString()}.
 */
public final class CryptolensEmulator implements AutoCloseable {
    private final Registry registry;
    private final FaultPlan faults;
    private final EmulatorDispatcher dispatcher;
    private final MockWebServer server;
    private final String url;

    private CryptolensEmulator(Builder builder) {
        this.registry = new Registry(builder.firstDataObjectId);
        this.faults = new FaultPlan();
        this.dispatcher = new EmulatorDispatcher(new DataApi(registry, builder.nameLengthLimit, builder.keysPerPage), faults,
                builder.errorStatus, builder.requestLogLimit);
        this.server = new MockWebServer();
        server.setServerSocketFactory(new NoDelayServerSocketFactory());
        server.setDispatcher(dispatcher);
        dispatcher.attach(server);
        try {
            server.start(InetAddress.getLoopbackAddress(), builder.port);
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException("cannot listen on 127.0.0.1 port " + builder.port + ": " + e.getMessage(), e);
        }
        this.url = "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
    }

    /** Starts an emulator with the defaults on a free port of 127.0.0.1. */
    public static CryptolensEmulator start() {
        return builder().start();
    }

    /** Options for {@link Builder#start()}; a builder can start any number of emulators. */
    public static Builder builder() {
        return new Builder();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:43117}, without a trailing slash. */
    public String url() {
        return url;
    }

    public int port() {
        return server.getPort();
    }

    /** The product with this id, created if it does not exist yet. */
    public Product product(int productId) {
        return registry.product(productId);
    }

    /**
     * Accepts {@code secret} as an access token with these permissions (and no locks until set on the
     * returned token). Replaces an earlier token with the same secret.
     */
    public Token token(String secret, Permission... permissions) {
        return token(secret, Arrays.asList(permissions));
    }

    /** See {@link #token(String, Permission...)}; e.g. {@code token("T", Permission.allData())}. */
    public Token token(String secret, Collection<Permission> permissions) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("a token must not be empty");
        }
        return registry.putToken(new Token(secret, permissions));
    }

    /**
     * The int value of a key-level data object (the lowest id among objects of that name).
     *
     * @throws NoSuchElementException if the product, key or object does not exist
     */
    public int value(int productId, String key, String name) {
        Product product = registry.existingProduct(productId);
        LicenseKey licenseKey = product == null ? null : product.existingKey(key);
        if (licenseKey == null) {
            throw new NoSuchElementException("no key " + key + " in product " + productId);
        }
        return licenseKey.value(name);
    }

    /** The next request, whatever it calls, gets {@code fault}. */
    public void failNext(Fault fault) {
        faults.next(null, 1, fault);
    }

    /**
     * The next {@code count} requests, whatever they call, get {@code fault}. A client that retries on
     * its own (OkHttp does by default after a dropped connection) uses up one per attempt.
     */
    public void failNext(int count, Fault fault) {
        faults.next(null, count, fault);
    }

    /** The next {@code count} requests to {@code endpoint} get {@code fault}; others pass. */
    public void failNext(Endpoint endpoint, int count, Fault fault) {
        faults.next(Objects.requireNonNull(endpoint, "endpoint"), count, fault);
    }

    /** Every request gets {@code fault} until {@link #clearFaults()} (counted faults still go first). */
    public void failAlways(Fault fault) {
        faults.always(null, fault);
    }

    /** Every request to {@code endpoint} gets {@code fault} until {@link #clearFaults()}. */
    public void failAlways(Endpoint endpoint, Fault fault) {
        faults.always(Objects.requireNonNull(endpoint, "endpoint"), fault);
    }

    /** Forgets every pending and standing fault. */
    public void clearFaults() {
        faults.clear();
    }

    /** Every request received so far (up to the log limit, oldest first), faulted ones included. */
    public List<RecordedCall> requests() {
        return dispatcher.requests();
    }

    /** The requests to one endpoint, oldest first. */
    public List<RecordedCall> requests(Endpoint endpoint) {
        return dispatcher.requests(endpoint);
    }

    public void clearRequests() {
        dispatcher.clearRequests();
    }

    /**
     * How many HTTP requests the emulator has received since it started, faulted ones and those the request
     * log no longer keeps (or never kept, with {@code requestLogLimit(0)}) included; {@link #clearRequests()}
     * does not reset it. Cheap enough to read while a client runs at full speed: the difference of two reads
     * is the requests made in between.
     */
    public int requestCount() {
        return server.getRequestCount();
    }

    /**
     * Stops serving: open connections are closed (a pending {@link Fault#noReply()} ends), the port is
     * released. Idempotent.
     */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "CryptolensEmulator{" + url + "}";
    }

    /**
     * Options of an emulator.
     *
     * <pre>{@code
     * CryptolensEmulator emulator = CryptolensEmulator.builder()
     *         .firstDataObjectId(3_000_000_000L)   // ids beyond int32, to catch clients that truncate
     *         .errorStatus(400)                    // failures with HTTP 400 instead of 200
     *         .start();
     * }</pre>
     */
    public static final class Builder {
        private int port;
        private long firstDataObjectId = 1;
        private int nameLengthLimit = 100;
        private int errorStatus = 200;
        private int requestLogLimit = 100_000;
        private int keysPerPage = 99;

        private Builder() {
        }

        /** The port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** The id of the first data object; later ones count up from it. Default 1. */
        public Builder firstDataObjectId(long id) {
            if (id < 1) {
                throw new IllegalArgumentException("data object ids start at 1 or above: " + id);
            }
            this.firstDataObjectId = id;
            return this;
        }

        /** The longest name AddDataObject accepts. Default 100 (some Cryptolens pages say 10). */
        public Builder nameLengthLimit(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("name length limit must be positive: " + limit);
            }
            this.nameLengthLimit = limit;
            return this;
        }

        /**
         * The HTTP status of a reply with {@code "result":1}. Default 200, as the service answers; 400,
         * 401 or 403 exercise clients that must read error bodies of non-2xx replies.
         */
        public Builder errorStatus(int status) {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("HTTP status out of 200..599: " + status);
            }
            this.errorStatus = status;
            return this;
        }

        /** How many requests {@link CryptolensEmulator#requests()} keeps, dropping the oldest. Default 100,000. */
        public Builder requestLogLimit(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("request log limit must not be negative: " + limit);
            }
            this.requestLogLimit = limit;
            return this;
        }

        /** How many keys one page of {@code product/GetKeys} holds. Default 99, as the Cryptolens docs say. */
        public Builder keysPerPage(int keys) {
            if (keys < 1) {
                throw new IllegalArgumentException("keys per page must be positive: " + keys);
            }
            this.keysPerPage = keys;
            return this;
        }

        /**
         * Starts an emulator with these options.
         *
         * @throws UncheckedIOException if the port cannot be bound
         */
        public CryptolensEmulator start() {
            return new CryptolensEmulator(this);
        }
    }
}
