package dev.tollgate.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * Finds and reads the YAML config. It never throws: everything wrong becomes a {@link Problem} with
 * the file, the line and the key, and a config with problems is not trusted.
 *
 * <p>Where the config comes from, first match wins: the agent argument
 * ({@code -javaagent:tollgate-agent.jar=/etc/acme/tollgate.yml}), {@code -Dtollgate.config},
 * the environment variable {@code TOLLGATE_CONFIG}, else {@code ./tollgate.yml} when present (see
 * {@code ConfigFile}). When the product carries a pinned config ({@link PinnedConfig}), that file may set only
 * what the pinned config leaves to the customer. {@code ${NAME}} (or {@code ${NAME:-default}}) in a value is
 * read from the environment.
 *
 * <pre>{@code
 * Config config = new ConfigLoader().load(agentArgs, System.getProperty(ConfigLoader.PROPERTY_CONFIG),
 *         Paths.get("").toAbsolutePath());
 * for (Problem p : config.problems()) { Log.error(p.toString()); }   // /etc/acme/tollgate.yml:7: features...
 * }</pre>
 */
public final class ConfigLoader {

    /** Environment variable naming the config file. */
    public static final String ENV_CONFIG = "TOLLGATE_CONFIG";
    /** System property naming the config file. */
    public static final String PROPERTY_CONFIG = "tollgate.config";
    /** The file looked for in the working directory when nothing names one. */
    public static final String DEFAULT_FILE = "tollgate.yml";

    /** The environment; null until needed when it is the real one (reading it costs startup time). */
    private Map<String, String> env;
    private final String userHome;

    /** A loader that reads the real environment (when a value needs it) and {@code user.home}. */
    public ConfigLoader() {
        this(null, System.getProperty("user.home", "."));
    }

    /** A loader with a given environment; for tests. */
    public ConfigLoader(Map<String, String> env, String userHome) {
        this.env = env;
        this.userHome = userHome;
    }

    private Map<String, String> env() {
        if (env == null) {
            env = System.getenv();
        }
        return env;
    }

    private ConfigBinder binder(String source, Path base) {
        return new ConfigBinder(new Values(source, base, env, userHome));
    }

    /**
     * Locates and reads the config: the vendor's pinned config ({@link PinnedConfig#RESOURCE}) on the system class
     * path with the customer's file laid over it, or the file alone when no config is pinned.
     *
     * @param agentArgument the text after {@code =} in {@code -javaagent:...=}, or null
     * @param property the value of {@code -Dtollgate.config}, or null
     * @param workingDir where {@code ./tollgate.yml} is looked for
     */
    public Config load(String agentArgument, String property, Path workingDir) {
        return load(agentArgument, property, workingDir, ClassLoader.getSystemClassLoader(), null);
    }

    /**
     * Locates and reads the config, the pinned config looked up through {@code classPath}.
     *
     * <pre>{@code
     * Config c = new ConfigLoader().load(null, System.getProperty("tollgate.config"), Paths.get(""),
     *         ClassLoader.getSystemClassLoader(), "sha256:9f86d0...");   // the digest the build recorded
     * }</pre>
     *
     * @param expectedDigest the pinned config's digest as the build recorded it ({@link PinnedConfig#digest}), or
     *     null to take it from the manifest attribute {@link PinnedConfig#MANIFEST_ATTRIBUTE} of the jar that
     *     holds the resource. When given, the resource must be there and match it.
     */
    public Config load(String agentArgument, String property, Path workingDir, ClassLoader classPath,
            String expectedDigest) {
        ConfigFile customer = ConfigFile.locate(agentArgument, property,
                ConfigFile.needsEnvironment(agentArgument, property) ? env().get(ENV_CONFIG) : null, workingDir);
        PinnedConfig.Lookup pinned = PinnedConfig.find(classPath);
        if (pinned.copies.isEmpty() && pinned.error == null) {
            if (expectedDigest != null) {
                return broken(PinnedConfig.RESOURCE, "missing: the product was built with a pinned config ("
                        + expectedDigest + ") but it is not on the class path, so every metered call is denied");
            }
            return customer.file != null ? read(customer.file) : customer.problem != null
                    ? broken(customer.source, customer.problem) : binder(customer.source, Paths.get(".")).empty();
        }
        return new Pinning(env, userHome).read(pinned, expectedDigest, customer, workingDir);
    }

    /** Reads one file. */
    public Config read(Path file) {
        if (Files.isDirectory(file)) {
            return broken(file.toString(), "is a directory, not a config file; name the file, e.g. "
                    + file.resolve(DEFAULT_FILE));
        }
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return broken(file.toString(), "cannot read the config file: " + describe(e));
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), base == null ? Paths.get(".") : base);
    }

    /** Parses YAML text; {@code source} names it in problems, relative paths resolve against {@code base}. */
    public Config parse(String text, String source, Path base) {
        Values values = new Values(source, base, env, userHome);
        ConfigBinder binder = new ConfigBinder(values);
        YamlNode root = yaml(text, values, null);
        return root == INVALID ? binder.empty() : binder.bind(root);
    }

    /** Marks a document that is not valid YAML (its problem recorded), as opposed to an empty one (null). */
    static final YamlNode INVALID = new YamlNode.Scalar(-1, YamlNode.NULL, "");

    /** The document's root, null when empty, or {@link #INVALID} with a problem in {@code in} (null: the values'). */
    static YamlNode yaml(String text, Values values, Values.Origin in) {
        // The usual plain config is read by QuickYaml; anything else by SnakeYAML, into the same nodes.
        QuickYaml quick = QuickYaml.read(text);
        if (quick != null) {
            return quick.root;
        }
        SnakeYaml snake = SnakeYaml.read(text);
        if (snake.problem == null) {
            return snake.root;
        }
        if (in == null) {
            values.problem(snake.problemLine, "", "not valid YAML: " + snake.problem);
        } else {
            values.problem(in, snake.problemLine, "", "not valid YAML: " + snake.problem);
        }
        return INVALID;
    }

    private Config broken(String source, String message) {
        Values values = new Values(source, Paths.get("."), env, userHome);
        values.problem(0, "", message);
        return new ConfigBinder(values).empty();
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
