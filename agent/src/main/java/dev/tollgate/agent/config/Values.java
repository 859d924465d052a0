package dev.tollgate.agent.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values out of one YAML document and collects what is wrong with them as {@link Problem}s,
 * each naming the file, the line and the dotted key; nothing here throws. The section binders
 * ({@link LocalBinder}, {@link FeaturesBinder}, ...) ask it for a mapping, a whole number, a duration and so
 * on, and get {@code null} back (with the problem recorded) when the value cannot be used.
 *
 * <pre>{@code
 * Values values = new Values("tollgate.yml", base, env, userHome);
 * Long cost = values.whole(node, "features.export.cost", 1, Integer.MAX_VALUE); // null + a problem if not
 * }</pre>
 *
 * <p>A node may come from another document than the one being read (the customer's file laid over the
 * vendor's pinned config): {@link #adopt} records where it came from, so that its problems name that file and
 * its relative paths resolve against that file's folder.
 */
final class Values {

    /**
     * Compiled on first use: a plain config needs none of them, and compiling regular expressions cold
     * costs every product milliseconds of startup.
     */
    private static final class Patterns {
        static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
        static final Pattern CLASS_NAME =
                Pattern.compile("([\\p{L}_$][\\p{L}\\p{N}_$]*\\.)*[\\p{L}_$][\\p{L}\\p{N}_$]*");
        static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s)?");
    }

    /** Where a node was written: the name used in problems and the folder its relative paths resolve against. */
    static final class Origin {
        final String source;
        final Path base;

        Origin(String source, Path base) {
            this.source = source;
            this.base = base;
        }
    }

    private final Origin origin;
    /** The environment; null until needed when it is the real one (reading it costs startup time). */
    private Map<String, String> env;
    private final String userHome;
    private final List<Problem> problems = new ArrayList<>();
    /** The line of the key that holds each value, so a problem with a block value names its key's line. */
    private final Map<YamlNode, Integer> keyLines = new IdentityHashMap<>();
    /** Nodes written in another document than this one; see {@link #adopt}. */
    private final Map<YamlNode, Origin> foreign = new IdentityHashMap<>();

    Values(String source, Path base, Map<String, String> env, String userHome) {
        this.origin = new Origin(source, base);
        this.env = env;
        this.userHome = userHome;
    }

    String source() {
        return origin.source;
    }

    String userHome() {
        return userHome;
    }

    List<Problem> problems() {
        return problems;
    }

    /**
     * Records that {@code node}, the value of a key on line {@code keyLine}, and everything under it were written
     * in {@code from}.
     */
    void adopt(YamlNode node, int keyLine, Origin from) {
        keyLines.put(node, keyLine);
        markOrigin(node, from);
    }

    private void markOrigin(YamlNode node, Origin from) {
        if (node == null) {
            return;
        }
        foreign.put(node, from);
        if (node instanceof YamlNode.Mapping) {
            for (YamlNode k : ((YamlNode.Mapping) node).keys) {
                markOrigin(k, from);
            }
            for (YamlNode v : ((YamlNode.Mapping) node).values) {
                markOrigin(v, from);
            }
        } else if (node instanceof YamlNode.Sequence) {
            for (YamlNode item : ((YamlNode.Sequence) node).items) {
                markOrigin(item, from);
            }
        }
    }

    private Origin originOf(YamlNode node) {
        Origin o = node == null ? null : foreign.get(node);
        return o == null ? origin : o;
    }

    private Map<String, String> env() {
        if (env == null) {
            env = System.getenv();
        }
        return env;
    }

    void problem(int line, String key, String message) {
        problems.add(new Problem(origin.source, line, key, message));
    }

    /** A problem in another document than this one, such as the customer's file under a pinned config. */
    void problem(Origin in, int line, String key, String message) {
        problems.add(new Problem(in.source, line, key, message));
    }

    void problem(YamlNode node, String key, String message) {
        problems.add(new Problem(originOf(node).source, line(node), key, message));
    }

    /** The keys of a mapping, in file order; null (and a problem) when {@code node} is not a mapping. */
    Map<String, YamlNode> mapping(YamlNode node, String key) {
        if (!(node instanceof YamlNode.Mapping)) {
            problem(node, key, isNull(node) ? "needs keys under it" : "must be a mapping of keys to values");
            return null;
        }
        Map<String, YamlNode> map = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        YamlNode.Mapping m = (YamlNode.Mapping) node;
        for (int i = 0; i < m.keys.size(); i++) {
            YamlNode k = m.keys.get(i);
            YamlNode value = m.values.get(i);
            if (!(k instanceof YamlNode.Scalar)) {
                problem(k, key, "keys must be plain names");
                continue;
            }
            String name = ((YamlNode.Scalar) k).value;
            String full = key.isEmpty() ? name : key + "." + name;
            if (map.containsKey(name)) {
                problem(k, full, "appears twice (first on line " + lines.get(name) + ")");
                continue;
            }
            map.put(name, value);
            lines.put(name, line(k));
            if (!keyLines.containsKey(value)) {
                keyLines.put(value, line(k));
            }
        }
        return map;
    }

    /** A problem, with a "did you mean", for each key of {@code map} not in {@code allowed}. */
    void allowOnly(Map<String, YamlNode> map, String prefix, String... allowed) {
        List<String> known = Arrays.asList(allowed);
        for (Map.Entry<String, YamlNode> e : map.entrySet()) {
            if (!known.contains(e.getKey())) {
                String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                problem(e.getValue(), key, "unknown key" + DidYouMean.suggestion(e.getKey(), known)
                        + "; known here: " + String.join(", ", known));
            }
        }
    }

    /** The text of {@code map}'s {@code name}, or null with "missing" at the {@code parent} when absent. */
    String required(Map<String, YamlNode> map, YamlNode parent, String key, String name) {
        if (!map.containsKey(name)) {
            problem(parent, key, "missing");
            return null;
        }
        return text(map.get(name), key);
    }

    /** A single value, trimmed, with {@code ${NAME}} and {@code ${NAME:-fallback}} read from the environment. */
    String text(YamlNode node, String key) {
        if (!(node instanceof YamlNode.Scalar) || isNull(node)) {
            problem(node, key, isNull(node) ? "needs a value" : "must be a single value, not a "
                    + (node instanceof YamlNode.Mapping ? "mapping" : "list"));
            return null;
        }
        String raw = ((YamlNode.Scalar) node).value;
        if (raw.indexOf("${") < 0) {
            return nonEmpty(node, key, raw.trim());
        }
        StringBuffer out = new StringBuffer();
        Matcher m = Patterns.ENV_REF.matcher(raw);
        int end = 0;
        while (m.find()) {
            if (raw.substring(end, m.start()).contains("${")) {
                break;
            }
            end = m.end();
            String value = env().get(m.group(1));
            if (value == null) {
                value = m.group(2);
            }
            if (value == null) {
                problem(node, key, "the environment variable " + m.group(1) + " is not set");
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        int bad = raw.indexOf("${", end);
        if (bad >= 0) {
            // Never echoed: it may be a secret pasted in place of a variable's name.
            problem(node, key, "'${' at character " + (bad + 1) + " does not start a valid variable reference: "
                    + "write ${NAME} or ${NAME:-fallback}, NAME being letters, digits and '_', not starting with a "
                    + "digit (the value is not used)");
            return null;
        }
        m.appendTail(out);
        if (out.indexOf("${") >= 0) {
            problem(node, key, "a variable or fallback in it gives a value containing '${', which is never expanded "
                    + "twice nor used as it is");
            return null;
        }
        return nonEmpty(node, key, out.toString().trim());
    }

    private String nonEmpty(YamlNode node, String key, String value) {
        if (value.isEmpty()) {
            problem(node, key, "needs a value");
            return null;
        }
        return value;
    }

    Long whole(YamlNode node, String key, long min, long max) {
        String t = text(node, key);
        if (t == null) {
            return null;
        }
        long v;
        try {
            v = Long.parseLong(t.replace("_", ""));
        } catch (NumberFormatException e) {
            boolean tooLong = t.replace("_", "").matches("[-+]?\\d+");
            problem(node, key, "must be a whole number" + (tooLong ? " from " + min + " to " + max : "")
                    + ", got '" + t + "'");
            return null;
        }
        if (v < min || v > max) {
            problem(node, key, "must be a whole number " + (v < min && max == Integer.MAX_VALUE
                    ? "of at least " + min : "from " + min + " to " + max) + ", got " + v);
            return null;
        }
        return v;
    }

    Boolean bool(YamlNode node, String key) {
        String t = text(node, key);
        if (t == null) {
            return null;
        }
        if (t.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (t.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        problem(node, key, "must be true or false, got '" + t + "'");
        return null;
    }

    /**
     * A duration of the new keys: a whole number and a unit, {@code ms}, {@code s}, {@code m}, {@code h} or
     * {@code d}, more than zero. A bare number is refused rather than guessed at (seconds? milliseconds?).
     * Without a regular expression, which a plain config would otherwise compile on the premain path.
     */
    Long duration(YamlNode node, String key) {
        String t = text(node, key);
        if (t == null) {
            return null;
        }
        int digits = 0;
        while (digits < t.length() && t.charAt(digits) >= '0' && t.charAt(digits) <= '9') {
            digits++;
        }
        String unit = t.substring(digits).trim();
        long perUnit = unit.equals("ms") ? 1 : unit.equals("s") ? 1_000 : unit.equals("m") ? 60_000
                : unit.equals("h") ? 3_600_000 : unit.equals("d") ? 86_400_000 : 0;
        if (digits == 0 || perUnit == 0) {
            problem(node, key, (digits == t.length() ? "needs a unit: say 5s or 500ms"
                    : "must be a duration such as 500ms, 5s, 10m, 24h or 2d") + ", got '" + t + "'");
            return null;
        }
        long ms;
        try {
            ms = Math.multiplyExact(Long.parseLong(t.substring(0, digits)), perUnit);
        } catch (ArithmeticException | NumberFormatException tooLong) {
            problem(node, key, "is too long, got '" + t + "'");
            return null;
        }
        if (ms == 0) {
            problem(node, key, "must be more than 0, got '" + t + "'");
            return null;
        }
        return ms;
    }

    /** The older timeout form: milliseconds, bare or with {@code ms}, or seconds with {@code s}; 1ms to 600s. */
    Long millis(YamlNode node, String key) {
        String t = text(node, key);
        if (t == null) {
            return null;
        }
        Matcher m = Patterns.DURATION.matcher(t);
        if (!m.matches()) {
            problem(node, key, "must be a duration such as 500ms or 5s, got '" + t + "'");
            return null;
        }
        long n = Long.parseLong(m.group(1));
        long ms = "s".equals(m.group(2)) ? n * 1000 : n;
        if (ms < 1 || ms > 600_000) {
            problem(node, key, "must be from 1ms to 600s, got '" + t + "'");
            return null;
        }
        return ms;
    }

    /** One of {@code choices}, ignoring case, returned as spelled there. */
    String choice(YamlNode node, String key, String... choices) {
        String t = text(node, key);
        if (t == null) {
            return null;
        }
        for (String c : choices) {
            if (c.equalsIgnoreCase(t)) {
                return c;
            }
        }
        problem(node, key, "must be one of " + String.join(", ", choices) + ", got '" + t + "'");
        return null;
    }

    String className(YamlNode node, String key) {
        String t = text(node, key);
        if (t == null) {
            return null;
        }
        if (!Patterns.CLASS_NAME.matcher(t).matches()) {
            problem(node, key, "not a Java class name: '" + t + "' (write it as com.acme.OutOfCreditsException)");
            return null;
        }
        return t;
    }

    /** A folder: {@code ~} is the home folder, a relative path resolves against the file's own folder. */
    Path folder(YamlNode node, String key, String what) {
        String text = text(node, key);
        if (text == null) {
            return null;
        }
        Path dir;
        try {
            String expanded = text.equals("~") ? userHome
                    : text.startsWith("~/") ? userHome + text.substring(1) : text;
            dir = originOf(node).base.resolve(expanded).normalize();
        } catch (InvalidPathException e) {
            problem(node, key, "not a valid path: " + e.getMessage());
            return null;
        }
        String why = Folders.whyNot(dir);
        if (why != null) {
            problem(node, key, dir + " cannot be the folder of " + what + ": " + why);
        }
        return dir;
    }

    boolean isNull(YamlNode node) {
        return node == null || (node instanceof YamlNode.Scalar && YamlNode.NULL.equals(node.tag));
    }

    /** The 1-based line a problem with {@code node} names: its key's line, else its own, else 0. */
    int line(YamlNode node) {
        Integer keyLine = keyLines.get(node);
        if (keyLine != null) {
            return keyLine;
        }
        return node == null || node.line < 0 ? 0 : node.line + 1;
    }
}
