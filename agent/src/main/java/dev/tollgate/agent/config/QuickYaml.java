package dev.tollgate.agent.config;

/**
 * Reads the plain shape that nearly every Tollgate config has (nested block mappings of simple keys,
 * plain or simply quoted one-line values, one-line flow mappings, comments) into the nodes that
 * SnakeYAML's composer would build (as {@link YamlNode}s): same structure, values, tags and lines.
 * Anything else (sequences, anchors, tags, block or multi-line scalars, escapes, tabs, documents markers, odd keys, and every error) it declines, and the loader hands the text
 * to SnakeYAML, which reads it, or reports it, as before.
 *
 * <p>Why: SnakeYAML's scanner, parser and composer are some ninety classes loaded and run cold on the
 * premain thread, and its resolver compiles a dozen regular expressions: 40-60 ms of every product's
 * startup on a quiet machine to read a dozen lines. This is one class and no regular expression; the
 * tags of plain values are told by {@link #tag} where that is certain, and a value it cannot tell
 * (a float, a date, a hex number) is declined too.
 */
final class QuickYaml {

    private static final int MAX_LENGTH = 64 * 1024;
    /** SnakeYAML's default nesting limit; deeper documents are its to refuse. */
    private static final int MAX_DEPTH = 50;
    /** Characters that start something other than a plain scalar, or need SnakeYAML's judgement. */
    private static final String INDICATORS = "?:,[]{}#&*!|>'\"%@`";

    /** The document's root node; {@code null} for a document without any content. */
    final YamlNode root;

    private QuickYaml(YamlNode root) {
        this.root = root;
    }

    /** The nodes of {@code text}, or {@code null} when it is not of the plain shape read here. */
    static QuickYaml read(String text) {
        try {
            return new QuickYaml(new Parser(text).document());
        } catch (Declined declined) {
            return null;
        } catch (RuntimeException unexpected) {
            return null; // SnakeYAML will read it
        }
    }

    /**
     * The tag SnakeYAML's resolver gives a plain scalar. Its implicit resolvers are chosen by the first
     * character (bool: {@code yYnNtTfFoO}; int, float: signs and digits, float also '.'; merge: '<'; null:
     * {@code ~nN} and the empty value; timestamp: digits) and a value none of them matches is a str.
     * Words are told exactly; of the values that start like a number only whole numbers and durations
     * ({@code 500ms}, {@code 5s}, {@code 10m}, {@code 24h}, {@code 2d}) and relative paths ({@code ./journal},
     * {@code ../ledger}) are, and the rest is declined.
     */
    static String tag(String v) {
        if (v.isEmpty()) {
            return YamlNode.NULL;
        }
        char c = v.charAt(0);
        switch (c) {
            case '~':
                return v.length() == 1 ? YamlNode.NULL : YamlNode.STR;
            case 'n': case 'N':
                if (v.equals("null") || v.equals("Null") || v.equals("NULL")) {
                    return YamlNode.NULL;
                }
                return isBool(v) ? YamlNode.BOOL : YamlNode.STR;
            case 'y': case 'Y': case 't': case 'T': case 'f': case 'F': case 'o': case 'O':
                return isBool(v) ? YamlNode.BOOL : YamlNode.STR;
            case '<':
                return v.equals("<<") ? YamlNode.MERGE : YamlNode.STR;
            case '.':
                if (v.equals(".") || v.startsWith("./") || v.startsWith("..")) {
                    return YamlNode.STR; // a relative path: every float after '.' has a digit, '_', inf or nan
                }
                throw Declined.INSTANCE;
            case '-': case '+':
            case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
                int i = c == '-' || c == '+' ? 1 : 0;
                int digits = i;
                while (digits < v.length() && v.charAt(digits) >= '0' && v.charAt(digits) <= '9') {
                    digits++;
                }
                if (digits > i && digits == v.length() && (v.charAt(i) != '0' || digits == i + 1)) {
                    return YamlNode.INT; // [-+]?(0|[1-9][0-9]*)
                }
                if (i == 0 && digits > 0 && isDurationUnit(v.substring(digits))) {
                    return YamlNode.STR; // a duration: no int, float or timestamp looks like that
                }
                throw Declined.INSTANCE;
            default:
                return YamlNode.STR;
        }
    }

    private static boolean isDurationUnit(String unit) {
        switch (unit) {
            case "ms": case "s": case "m": case "h": case "d":
                return true;
            default:
                return false;
        }
    }

    private static boolean isBool(String v) {
        switch (v) {
            case "yes": case "Yes": case "YES": case "no": case "No": case "NO":
            case "true": case "True": case "TRUE": case "false": case "False": case "FALSE":
            case "on": case "On": case "ON": case "off": case "Off": case "OFF":
                return true;
            default:
                return false;
        }
    }

    /** Not of the shape read here. Thrown often enough to skip the stack trace. */
    private static final class Declined extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Declined INSTANCE = new Declined();

        private Declined() {
            super(null, null, false, false);
        }
    }

    private static final class Parser {
        private final String[] lines;

        Parser(String text) {
            if (text.length() > MAX_LENGTH || text.indexOf('\t') >= 0 || text.startsWith("\uFEFF")) {
                throw Declined.INSTANCE;
            }
            String[] split = text.split("\n", -1);
            for (int i = 0; i < split.length; i++) {
                String l = split[i];
                if (l.endsWith("\r")) {
                    l = l.substring(0, l.length() - 1);
                }
                for (int c = 0; c < l.length(); c++) {
                    char ch = l.charAt(c);
                    if (ch < ' ' || ch == 0x7F || Character.isSurrogate(ch) || ch == '\u0085' || ch == '\u2028'
                            || ch == '\u2029' || ch == '\uFEFF') {
                        throw Declined.INSTANCE;
                    }
                }
                split[i] = l;
            }
            this.lines = split;
        }

        YamlNode document() {
            int first = next(0);
            if (first == lines.length) {
                return null;
            }
            if (indent(first) != 0) {
                throw Declined.INSTANCE;
            }
            int[] end = new int[1];
            YamlNode.Mapping root = mapping(first, 0, end, 1);
            if (end[0] != lines.length) {
                throw Declined.INSTANCE;
            }
            return root;
        }

        /** The block mapping whose keys start at {@code indent}, from line {@code i}; {@code end[0]} is where it stopped. */
        private YamlNode.Mapping mapping(int i, int indent, int[] end, int depth) {
            if (depth >= MAX_DEPTH) {
                throw Declined.INSTANCE;
            }
            YamlNode.Mapping mapping = new YamlNode.Mapping(i, YamlNode.MAP);
            while (i < lines.length) {
                int in = indent(i);
                if (in < indent) {
                    break;
                }
                if (in > indent) {
                    throw Declined.INSTANCE; // a continuation line, or an error SnakeYAML words better
                }
                String line = lines[i];
                int colon = key(line, indent);
                YamlNode key = scalar(line.substring(indent, colon), true, i, indent);
                int v = skipSpaces(line, colon + 1);
                YamlNode value;
                if (v == line.length() || line.charAt(v) == '#') {
                    int j = next(i + 1);
                    if (j < lines.length && indent(j) > indent) {
                        char c = lines[j].charAt(indent(j));
                        if (c == '-') {
                            throw Declined.INSTANCE; // a sequence
                        }
                        value = mapping(j, indent(j), end, depth + 1);
                        i = end[0];
                    } else {
                        value = scalar("", true, i, colon + 1);
                        i = next(i + 1);
                    }
                } else if (line.charAt(v) == '{') {
                    value = flow(line, v, i);
                    i = next(i + 1);
                } else if (line.charAt(v) == '\'' || line.charAt(v) == '"') {
                    value = quoted(line, v, i);
                    i = next(i + 1);
                } else {
                    value = plain(line, v, i);
                    i = next(i + 1);
                }
                mapping.put(key, value);
            }
            end[0] = i;
            return mapping;
        }

        /** The end of a simple key starting at {@code from}: the colon, which a space or the line's end follows. */
        private static int key(String line, int from) {
            int c = from;
            while (c < line.length() && isKeyChar(line.charAt(c), c == from)) {
                c++;
            }
            if (c == from || c == line.length() || line.charAt(c) != ':'
                    || (c + 1 < line.length() && line.charAt(c + 1) != ' ')) {
                throw Declined.INSTANCE;
            }
            return c;
        }

        private static boolean isKeyChar(char c, boolean first) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$' || (!first && (c == '.' || c == '-' || c == '/'));
        }

        /** A one-line plain scalar from {@code v}, up to a comment. */
        private YamlNode plain(String line, int v, int i) {
            int end = line.indexOf(" #", v);
            String text = trimEnd(end < 0 ? line.substring(v) : line.substring(v, end));
            char first = text.charAt(0);
            if (INDICATORS.indexOf(first) >= 0 || (first == '-' && (text.length() == 1 || text.charAt(1) == ' '))
                    || text.contains(": ") || text.endsWith(":") || text.contains(" #")) {
                throw Declined.INSTANCE;
            }
            return scalar(text, true, i, v);
        }

        /** A one-line quoted scalar without escapes, then nothing but a comment. */
        private YamlNode quoted(String line, int v, int i) {
            char quote = line.charAt(v);
            int close = line.indexOf(quote, v + 1);
            if (close < 0) {
                throw Declined.INSTANCE;
            }
            String text = line.substring(v + 1, close);
            if ((quote == '"' && text.indexOf('\\') >= 0) || (quote == '\'' && close + 1 < line.length()
                    && line.charAt(close + 1) == '\'')) {
                throw Declined.INSTANCE; // escapes
            }
            rest(line, close + 1);
            return new YamlNode.Scalar(i, YamlNode.STR, text);
        }

        /** {@code { key: plain, key: plain }} on one line, then nothing but a comment. */
        private YamlNode flow(String line, int v, int i) {
            int close = line.indexOf('}', v);
            if (close < 0) {
                throw Declined.INSTANCE;
            }
            rest(line, close + 1);
            YamlNode.Mapping mapping = new YamlNode.Mapping(i, YamlNode.MAP);
            String inside = line.substring(v + 1, close);
            if (!inside.trim().isEmpty()) {
                int from = v + 1;
                for (String entry : inside.split(",", -1)) {
                    int k = skipSpaces(line, from);
                    int colon = key(line, k);
                    int value = skipSpaces(line, colon + 1);
                    int entryEnd = from + entry.length();
                    if (colon >= entryEnd || value >= entryEnd) {
                        throw Declined.INSTANCE; // no value, or an entry without a key
                    }
                    String text = trimEnd(line.substring(value, entryEnd));
                    char first = text.charAt(0);
                    if (INDICATORS.indexOf(first) >= 0 || first == '-' && (text.length() == 1 || text.charAt(1) == ' ')
                            || text.indexOf(':') >= 0 || text.indexOf('#') >= 0) {
                        throw Declined.INSTANCE;
                    }
                    mapping.put(scalar(line.substring(k, colon), true, i, k), scalar(text, true, i, value));
                    from = entryEnd + 1;
                }
            }
            return mapping;
        }

        /** After a closed value, only spaces and a comment may follow. */
        private static void rest(String line, int from) {
            int r = skipSpaces(line, from);
            if (r < line.length() && (line.charAt(r) != '#' || r == from)) {
                throw Declined.INSTANCE;
            }
        }

        private static YamlNode scalar(String text, boolean plain, int line, int column) {
            return new YamlNode.Scalar(line, tag(text), text);
        }

        /** The first line from {@code i} with content (not blank, not only a comment). */
        private int next(int i) {
            while (i < lines.length) {
                String l = lines[i];
                int c = skipSpaces(l, 0);
                if (c < l.length() && l.charAt(c) != '#') {
                    if (l.startsWith("---") || l.startsWith("...") || l.startsWith("%")) {
                        throw Declined.INSTANCE;
                    }
                    return i;
                }
                i++;
            }
            return i;
        }

        private int indent(int i) {
            return skipSpaces(lines[i], 0);
        }

        private static int skipSpaces(String s, int from) {
            int c = from;
            while (c < s.length() && s.charAt(c) == ' ') {
                c++;
            }
            return c;
        }

        private static String trimEnd(String s) {
            int e = s.length();
            while (e > 0 && s.charAt(e - 1) == ' ') {
                e--;
            }
            return s.substring(0, e);
        }
    }
}
