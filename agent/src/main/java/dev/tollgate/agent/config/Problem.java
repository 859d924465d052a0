package dev.tollgate.agent.config;

/**
 * One thing wrong with the configuration, located so that a person can fix it:
 * {@code /etc/acme/tollgate.yml:7: features.export.cost: must be a whole number of at least 1, got 0}.
 */
public final class Problem {

    private final String file;
    private final int line;
    private final String key;
    private final String message;

    Problem(String file, int line, String key, String message) {
        this.file = file;
        this.line = line;
        this.key = key;
        this.message = message;
    }

    /** The config file, or a description of the source when there is no file. */
    public String file() {
        return file;
    }

    /** 1-based line, or 0 when the problem has no line (a missing file, a missing key). */
    public int line() {
        return line;
    }

    /** The dotted key, such as {@code features.export.cost}, or empty. */
    public String key() {
        return key;
    }

    public String message() {
        return message;
    }

    /** {@code file:line: key}, or as much of it as is known. */
    public String location() {
        StringBuilder s = new StringBuilder(file);
        if (line > 0) {
            s.append(':').append(line);
        }
        if (!key.isEmpty()) {
            s.append(": ").append(key);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return location() + ": " + message;
    }
}
