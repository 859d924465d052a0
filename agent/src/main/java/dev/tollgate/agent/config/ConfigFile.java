package dev.tollgate.agent.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where the config file is, first match wins: the agent argument
 * ({@code -javaagent:tollgate-agent.jar=/etc/acme/tollgate.yml}), {@code -Dtollgate.config}, the environment
 * variable {@code TOLLGATE_CONFIG}, else {@code ./tollgate.yml} when present. A file that is named but cannot be
 * used is a problem; no file at all is not (the defaults apply, or the vendor's pinned config alone).
 *
 * <pre>{@code
 * ConfigFile f = ConfigFile.locate(agentArgs, System.getProperty("tollgate.config"), null, Paths.get(""));
 * if (f.file != null) { ... read it ... } else if (f.problem != null) { ... report f.source: f.problem ... }
 * }</pre>
 */
final class ConfigFile {

    /** The file to read, or null. */
    final Path file;
    /** The file, or a description of where nothing was found, for messages. */
    final String source;
    /** Why the named file cannot be used, or null. */
    final String problem;

    private ConfigFile(Path file, String source, String problem) {
        this.file = file;
        this.source = source;
        this.problem = problem;
    }

    /**
     * @param fromEnv the value of {@code TOLLGATE_CONFIG}, or null (read only when the two before it are blank)
     */
    static ConfigFile locate(String agentArgument, String property, String fromEnv, Path workingDir) {
        String named = firstNonBlank(agentArgument, property, fromEnv);
        if (named != null) {
            String how = !isBlank(agentArgument) ? "the -javaagent argument"
                    : !isBlank(property) ? "-D" + ConfigLoader.PROPERTY_CONFIG
                    : "the environment variable " + ConfigLoader.ENV_CONFIG;
            Path file;
            try {
                file = workingDir.resolve(named.trim());
            } catch (InvalidPathException e) {
                return new ConfigFile(null, named, "is not a valid path (named by " + how + ")");
            }
            if (Files.isDirectory(file)) {
                return new ConfigFile(null, file.toString(), "is a directory, not a config file (named by " + how
                        + "); name the file, e.g. " + file.resolve(ConfigLoader.DEFAULT_FILE));
            }
            if (!Files.isRegularFile(file)) {
                return new ConfigFile(null, file.toString(), "config file not found (named by " + how + ")");
            }
            return new ConfigFile(file, file.toString(), null);
        }
        Path fallback = workingDir.resolve(ConfigLoader.DEFAULT_FILE);
        if (Files.isRegularFile(fallback)) {
            return new ConfigFile(fallback, fallback.toString(), null);
        }
        return new ConfigFile(null, "(no config file: no -javaagent argument, no -D" + ConfigLoader.PROPERTY_CONFIG
                + ", no environment variable " + ConfigLoader.ENV_CONFIG + ", and no " + fallback
                + (Files.isDirectory(fallback) ? " file (it is a directory)" : "") + ")", null);
    }

    /** Whether the agent argument and the property are both blank, so that the environment must be read. */
    static boolean needsEnvironment(String agentArgument, String property) {
        return firstNonBlank(agentArgument, property) == null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.trim().isEmpty();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (!isBlank(v)) {
                return v;
            }
        }
        return null;
    }
}
