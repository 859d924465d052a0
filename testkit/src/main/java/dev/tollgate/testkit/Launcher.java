package dev.tollgate.testkit;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves a {@link CryptolensEmulator} until the process is stopped (Ctrl-C, SIGTERM).
 *
 * <pre>
 * java -jar tollgate-testkit.jar --port 8080 --token T --product-id 3941 \
 *      --key AAAAA-BBBBB-CCCCC-DDDDD --data export=3 --data chart=0
 * java -jar tollgate-testkit.jar --port 8080 --seed seed.json
 * </pre>
 *
 * <p>Once listening it prints exactly one line to stdout, {@code Cryptolens emulator listening on
 * http://127.0.0.1:PORT}, and nothing else (never the token). Bad arguments: one line on stderr, then
 * the usage, exit code 2. A port that cannot be bound: one line on stderr, exit code 1.
 */
public final class Launcher {
    static final String LISTENING = "Cryptolens emulator listening on ";
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILURE = 1;

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar tollgate-testkit.jar --token TOKEN --product-id ID --key KEY [--data NAME=VALUE]...",
            "                                      [--requests-per-second N] [--port PORT]",
            "       java -jar tollgate-testkit.jar --seed FILE [--port PORT]",
            "Serves a Cryptolens-compatible emulator of the data-object Web API on 127.0.0.1 until stopped.",
            "  --seed FILE        tokens, products, keys and data objects from a JSON file (see testkit/README.md)",
            "  --token TOKEN      the access token to accept; it has every data-object permission and key lock -1",
            "  --product-id ID    the product id (an int32)",
            "  --key KEY          the license key string",
            "  --data NAME=VALUE  seed a key-level data object with an int32 value; may repeat",
            "  --requests-per-second N",
            "                     answer HTTP 429 to requests for the key beyond N in any second (default 0: no limit)",
            "  --port PORT        the port to listen on, 0 for a free one (default 8080)",
            "  --help             print this and exit");

    /** MockWebServer warns through JUL about clients that connect and send nothing; keep the console clean. */
    private static final Logger MOCK_WEB_SERVER_LOG = Logger.getLogger("mockwebserver3.MockWebServer");

    private Launcher() {
    }

    public static void main(String[] args) throws InterruptedException {
        Started started = start(args, System.out, System.err);
        if (started.emulator == null) {
            System.exit(started.exitCode);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.emulator.close();
            stopped.countDown();
        }, "tollgate-testkit-shutdown"));
        stopped.await();
    }

    /** The outcome of {@link #start}: a running emulator, or the exit code to end with. */
    static final class Started {
        final CryptolensEmulator emulator;
        final int exitCode;

        Started(CryptolensEmulator emulator, int exitCode) {
            this.emulator = emulator;
            this.exitCode = exitCode;
        }
    }

    /** Parses {@code args}, starts the emulator and prints the listening line; never exits the JVM. */
    static Started start(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException e) {
            err.println("tollgate-testkit: " + e.getMessage());
            err.println(USAGE);
            err.flush();
            return new Started(null, EXIT_USAGE);
        }
        if (options.help) {
            out.println(USAGE);
            out.flush();
            return new Started(null, 0);
        }
        Seed seed = null;
        if (options.seed != null) {
            try {
                seed = Seed.read(Path.of(options.seed));
            } catch (Seed.SeedException e) {
                err.println("tollgate-testkit: " + e.getMessage());
                err.flush();
                return new Started(null, EXIT_USAGE);
            }
        }
        MOCK_WEB_SERVER_LOG.setLevel(Level.SEVERE);
        CryptolensEmulator emulator;
        try {
            CryptolensEmulator.Builder builder = CryptolensEmulator.builder().port(options.port).requestLogLimit(1000);
            if (seed != null) {
                builder.keysPerPage(seed.keysPerPage(99));
            }
            emulator = builder.start();
        } catch (UncheckedIOException e) {
            err.println("tollgate-testkit: " + e.getMessage());
            err.flush();
            return new Started(null, EXIT_FAILURE);
        }
        if (seed != null) {
            seed.applyTo(emulator);
        } else {
            LicenseKey key = emulator.product(options.productId).key(options.key);
            options.data.forEach(key::dataObject);
            key.limitRequests(options.requestsPerSecond);
            emulator.token(options.token, Permission.allData()).keyLock(-1);
        }
        out.println(LISTENING + emulator.url());
        out.flush();
        return new Started(emulator, 0);
    }

    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The parsed command line. */
    static final class Options {
        int port = 8080;
        String seed;
        String token;
        Integer productId;
        String key;
        final Map<String, Integer> data = new LinkedHashMap<>();
        int requestsPerSecond;
        boolean help;

        static Options parse(String[] args) throws UsageException {
            Options options = new Options();
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String flag = arg;
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    flag = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                }
                if (flag.equals("--help") || flag.equals("-h")) {
                    options.help = true;
                    continue;
                }
                if (!flag.startsWith("-")) {
                    // Not echoed: a stray value may well be a token.
                    throw new UsageException("argument " + (i + 1) + " is a value without a --flag before it");
                }
                if (!flag.equals("--port") && !flag.equals("--token") && !flag.equals("--product-id")
                        && !flag.equals("--key") && !flag.equals("--data") && !flag.equals("--seed")
                        && !flag.equals("--requests-per-second")) {
                    throw new UsageException("unknown flag: " + flag);
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(flag + " needs a value");
                    }
                    value = args[++i];
                }
                if (!flag.equals("--data")) {
                    if (seen.contains(flag)) {
                        throw new UsageException(flag + " given twice");
                    }
                    seen.add(flag);
                }
                switch (flag) {
                    case "--port":
                        options.port = port(value);
                        break;
                    case "--token":
                        options.token = nonEmpty(flag, value);
                        break;
                    case "--product-id":
                        options.productId = int32(flag, value);
                        break;
                    case "--key":
                        options.key = nonEmpty(flag, value);
                        break;
                    case "--data":
                        options.data(value);
                        break;
                    case "--seed":
                        options.seed = nonEmpty(flag, value);
                        break;
                    case "--requests-per-second":
                        options.requestsPerSecond = requestsPerSecond(value);
                        break;
                    default:
                        throw new AssertionError(flag);
                }
            }
            if (options.help) {
                return options;
            }
            if (options.seed != null) {
                if (options.token != null || options.productId != null || options.key != null || !options.data.isEmpty()
                        || seen.contains("--requests-per-second")) {
                    throw new UsageException("--seed describes tokens, products and keys itself; "
                            + "leave out --token, --product-id, --key, --data and --requests-per-second "
                            + "(a key's limit is its requestsPerSecond in the seed)");
                }
                return options;
            }
            if (options.token == null) {
                throw new UsageException("--token is required");
            }
            if (options.productId == null) {
                throw new UsageException("--product-id is required");
            }
            if (options.key == null) {
                throw new UsageException("--key is required");
            }
            return options;
        }

        private void data(String value) throws UsageException {
            int eq = value.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--data wants NAME=VALUE, not: " + value);
            }
            String name = value.substring(0, eq).trim();
            if (name.isEmpty()) {
                throw new UsageException("--data wants NAME=VALUE, not: " + value);
            }
            if (data.containsKey(name)) {
                throw new UsageException("--data " + name + " given twice");
            }
            data.put(name, int32("--data " + name, value.substring(eq + 1)));
        }

        private static int port(String value) throws UsageException {
            int port;
            try {
                port = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--port wants a number from 0 to 65535, not: " + value);
            }
            if (port < 0 || port > 65535) {
                throw new UsageException("--port wants a number from 0 to 65535, not: " + value);
            }
            return port;
        }

        private static int requestsPerSecond(String value) throws UsageException {
            int n;
            try {
                n = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0) {
                throw new UsageException("--requests-per-second wants 0 (no limit) or a positive number, not: " + value);
            }
            return n;
        }

        private static int int32(String what, String value) throws UsageException {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new UsageException(what + " wants an int32 number, not: " + value);
            }
        }

        private static String nonEmpty(String flag, String value) throws UsageException {
            if (value.isBlank()) {
                throw new UsageException(flag + " must not be empty");
            }
            return value;
        }
    }
}
