package dev.tollgate.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * Finds and reads the YAML config. It never throws: everything wrong becomes a {@link Problem} with
 * the file, the line and the key, and a config with problems is not trusted.
 *
 * <p>Where the config comes from, first match wins: the agent argument
 * ({@code -javaagent:tollgate-agent.jar=/etc/acme/tollgate.yml}), {@code -Dtollgate.config},
 * the environment variable {@code TOLLGATE_CONFIG}, else {@code ./tollgate.yml} when present.
 * {@code ${NAME}} (or {@code ${NAME:-default}}) in a value is read from the environment.
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
     * Locates and reads the config.
     *
     * @param agentArgument the text after {@code =} in {@code -javaagent:...=}, or null
     * @param property the value of {@code -Dtollgate.config}, or null
     * @param workingDir where {@code ./tollgate.yml} is looked for
     */
    public Config load(String agentArgument, String property, Path workingDir) {
        String named = firstNonBlank(agentArgument, property);
        if (named == null) {
            named = firstNonBlank(env().get(ENV_CONFIG));
        }
        if (named != null) {
            String how = agentArgument != null && !agentArgument.trim().isEmpty() ? "the -javaagent argument"
                    : property != null && !property.trim().isEmpty() ? "-D" + PROPERTY_CONFIG
                    : "the environment variable " + ENV_CONFIG;
            Path file;
            try {
                file = workingDir.resolve(named.trim());
            } catch (InvalidPathException e) {
                return broken(named, "is not a valid path (named by " + how + ")");
            }
            if (Files.isDirectory(file)) {
                return broken(file.toString(), "is a directory, not a config file (named by " + how + "); name the "
                        + "file, e.g. " + file.resolve(DEFAULT_FILE));
            }
            if (!Files.isRegularFile(file)) {
                return broken(file.toString(), "config file not found (named by " + how + ")");
            }
            return read(file);
        }
        Path fallback = workingDir.resolve(DEFAULT_FILE);
        if (Files.isRegularFile(fallback)) {
            return read(fallback);
        }
        return binder("(no config file: no -javaagent argument, no -D" + PROPERTY_CONFIG + ", no environment "
                + "variable " + ENV_CONFIG + ", and no " + fallback + (Files.isDirectory(fallback) ? " file (it is a "
                + "directory)" : "") + ")", Paths.get(".")).empty();
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
        // The usual plain config is read by QuickYaml; anything else by SnakeYAML, into the same nodes.
        QuickYaml quick = QuickYaml.read(text);
        YamlNode root;
        if (quick != null) {
            root = quick.root;
        } else {
            SnakeYaml snake = SnakeYaml.read(text);
            if (snake.problem != null) {
                values.problem(snake.problemLine, "", "not valid YAML: " + snake.problem);
                return binder.empty();
            }
            root = snake.root;
        }
        return binder.bind(root);
    }

    private Config broken(String source, String message) {
        Values values = new Values(source, Paths.get("."), env, userHome);
        values.problem(0, "", message);
        return new ConfigBinder(values).empty();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.trim().isEmpty()) {
                return v;
            }
        }
        return null;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
