package dev.tollgate.agent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tollgate.agent.boot.Backends;
import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.CryptolensSettings;
import dev.tollgate.agent.config.ConfigLoader;
import dev.tollgate.agent.config.Feature;
import dev.tollgate.agent.config.Problem;

/**
 * {@code java -jar tollgate-agent.jar status [config] [--json]}: per feature, its mode, balance, what journals hold
 * unconfirmed, what running processes hold, the grace left offline and the last successful sync.
 *
 * <pre>
 * $ java -jar tollgate-agent.jar status /etc/acme/tollgate.yml
 * tollgate status: /etc/acme/tollgate.yml
 * backend: local ledger in /var/lib/acme/tollgate; journals in /var/lib/acme/tollgate/journal
 *
 * export: credits, leased
 *   balance      997 credits left
 *   ...
 * </pre>
 *
 * <p>Read-only: files are opened for reading, never locked, mapped or written, so a running product never waits
 * for it; on {@code cryptolens} it reads each counter with the configured token ({@code ListDataObjectsToKey}),
 * which it never prints. Exit status: 0 shown; 1 when the config has problems, the ledger folder is missing or is
 * not a Tollgate ledger, or a counter or the backend cannot be read (one line on stderr says which); 2 bad usage.
 */
public final class StatusCommand {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private StatusCommand() {
    }

    /** Runs the command with the arguments after {@code status}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String file = null;
        boolean json = false;
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                usage(out);
                return OK;
            } else if (a.equals("--json")) {
                json = true;
            } else if (a.startsWith("-") || file != null) {
                err.println("tollgate status: " + (a.startsWith("-") ? "unknown option '" + a + "'"
                        : "one config at most, not also '" + a + "'"));
                usage(err);
                return USAGE;
            } else {
                file = a;
            }
        }
        try {
            return status(file, json, out, System.currentTimeMillis());
        } catch (Failure f) {
            err.println("tollgate status: " + f.getMessage());
            return FAILED;
        }
    }

    static void usage(PrintStream out) {
        out.println("Usage: java -jar tollgate-agent.jar status [config.yml] [--json]");
        out.println("  Shows each feature's balance, what journals hold unconfirmed, what running processes hold, the");
        out.println("  grace left offline and the last sync. Reads only: a running product is never kept waiting.");
        out.println("  Without a config: -Dtollgate.config, else $" + ConfigLoader.ENV_CONFIG + ", else ./"
                + ConfigLoader.DEFAULT_FILE + ".");
        out.println("  Exit status: 0 shown, 1 a problem (said on stderr), 2 bad usage.");
    }

    /** A problem that stops the command: one line on stderr. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    static int status(String file, boolean json, PrintStream out, long now) throws Failure {
        Config config = config(file);
        List<FeatureStatus> features = new ArrayList<>();
        StatusReader reader = new StatusReader(LockHolders.read(), now);
        String backend;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config", config.source());
        if (config.backend() == Config.BackendKind.CRYPTOLENS) {
            CryptolensSettings c = config.cryptolens();
            Backend remote = Backends.cryptolens(c);
            try {
                Path journals = config.journal().dir() != null ? config.journal().dir()
                        : Paths.get(System.getProperty("user.home"), ".tollgate", "journal",
                                remote.journalScope() == null ? "default" : remote.journalScope());
                backend = "cryptolens at " + c.url() + ", product " + c.productId() + "; journals in " + journals;
                m.put("backend", "cryptolens");
                m.put("url", c.url());
                m.put("productId", c.productId());
                m.put("journalDir", journals.toString());
                for (Feature f : config.features().values()) {
                    features.add(reader.remote(f, remote, journals));
                }
            } finally {
                remote.close();
            }
        } else {
            Path ledger = ledger(config);
            Path journals = config.journal().dir() != null ? config.journal().dir() : ledger.resolve("journal");
            backend = "local ledger in " + ledger + "; journals in " + journals;
            m.put("backend", "local");
            m.put("ledger", ledger.toString());
            m.put("journalDir", journals.toString());
            for (Feature f : config.features().values()) {
                Long opening = config.openingCredits().get(f.counter());
                features.add(reader.local(f, opening == null ? 0 : opening, ledger, journals));
            }
        }
        if (json) {
            m.put("now", Times.iso(now));
            List<Object> fs = new ArrayList<>();
            for (FeatureStatus f : features) {
                fs.add(f.toMap());
            }
            m.put("features", fs);
            out.println(Json.write(m));
        } else {
            new StatusText(out, now).print(config.source(), backend, features);
        }
        for (FeatureStatus f : features) {
            if (f.error != null) {
                return FAILED;
            }
        }
        return OK;
    }

    private static Config config(String file) throws Failure {
        Config config;
        if (file != null) {
            Path path;
            try {
                path = Paths.get(file);
            } catch (InvalidPathException e) {
                throw new Failure(file + ": not a valid path");
            }
            if (Files.isDirectory(path)) {
                throw new Failure(file + " is a directory, not a config file");
            }
            if (!Files.exists(path)) {
                throw new Failure(file + ": config file not found");
            }
            config = new ConfigLoader().read(path);
        } else {
            String property = System.getProperty(ConfigLoader.PROPERTY_CONFIG);
            Path cwd = Paths.get("").toAbsolutePath();
            if (property == null && System.getenv(ConfigLoader.ENV_CONFIG) == null
                    && !Files.isRegularFile(cwd.resolve(ConfigLoader.DEFAULT_FILE))) {
                throw new Failure("no config: name it (status <config.yml>), or set -D" + ConfigLoader.PROPERTY_CONFIG
                        + " or $" + ConfigLoader.ENV_CONFIG + "; there is no " + ConfigLoader.DEFAULT_FILE + " in "
                        + cwd);
            }
            config = new ConfigLoader().load(null, property, cwd);
        }
        List<Problem> problems = config.problems();
        if (!problems.isEmpty()) {
            StringBuilder b = new StringBuilder(config.source()).append(" has ").append(problems.size())
                    .append(problems.size() == 1 ? " problem" : " problems").append(" (the agent would deny every"
                            + " metered call; 'check' lists them): ");
            b.append(problems.get(0));
            throw new Failure(b.toString());
        }
        return config;
    }

    /** The ledger folder, which must exist and hold a ledger (counters or journals) or nothing yet. */
    private static Path ledger(Config config) throws Failure {
        Path dir = config.ledgerDir();
        String which = " (local.dir of " + config.source() + ")";
        if (!Files.exists(dir)) {
            throw new Failure("no ledger at " + dir + which + ": nothing has been metered with this config yet,"
                    + " or local.dir names another folder");
        }
        if (!Files.isDirectory(dir)) {
            throw new Failure(dir + which + " is a file, not a ledger folder");
        }
        int others = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.endsWith(".counter") || name.endsWith(".journal")
                        || (name.equals("journal") && Files.isDirectory(p))) {
                    return dir;
                }
                others++;
            }
        } catch (IOException e) {
            throw new Failure("cannot read the ledger folder " + dir + which + ": " + e);
        }
        if (others > 0) {
            throw new Failure(dir + which + " is not a Tollgate ledger: it holds " + others
                    + (others == 1 ? " entry" : " entries") + " and no counter (*.counter) or journal");
        }
        return dir;
    }
}
