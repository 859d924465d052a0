package dev.tollgate.agent.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The method pattern of a retrofit rule, parsed and compiled once so that matching at class-load time
 * is a string comparison or two. Immutable.
 *
 * <pre>
 * com.acme.pdf.Merger#merge(..)                      one class, one method name, any parameters
 * com.acme.report.*Service#export*(java.lang.String, ..)   '*' within a name; parameters that start so
 * com.acme.spi.Exporter+#write(byte[], int)          '+': the type and all its subtypes; exact parameters
 * </pre>
 *
 * <p>The language, kept small on purpose:
 * <ul>
 * <li>{@code *} stands for any run of characters within one name: it never crosses a {@code '.'}, so
 * {@code com.acme.*} is every class of the package {@code com.acme} (nested classes included, as
 * {@code Outer$Inner}) and none of its sub-packages. There is no {@code **} and no {@code ..} for
 * sub-packages.</li>
 * <li>{@code +} right after the class: the type itself and every class that extends or implements it.</li>
 * <li>Parameters are written in full ({@code java.lang.String}, {@code int}, {@code byte[]},
 * {@code com.acme.Outer$Inner}), or {@code ..} for any parameters, also after some
 * ({@code (java.lang.String, ..)}).</li>
 * <li>A {@code *} in the method name matches only public methods and never {@code toString},
 * {@code equals} or {@code hashCode}; a method named in full is matched whatever its visibility.</li>
 * </ul>
 *
 * <p>Refused, each with a message: a class part that is only wildcards or starts with one, the Java
 * platform ({@code java.*}, {@code javax.*}, {@code jdk.*}, {@code sun.*}, {@code com.sun.*}), the agent's
 * own {@code dev.tollgate.*}, and constructors ({@code <init>}, {@code new}, the class's own name) and
 * static initializers ({@code <clinit>}).
 */
public final class MethodPattern {

    /** Why a pattern cannot be used; the message is written for the person who wrote the rule. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    static final String EXAMPLE = "com.acme.Merger#merge(..)";
    private static final Set<String> PRIMITIVES = new HashSet<>(Arrays.asList(
            "boolean", "byte", "char", "short", "int", "long", "float", "double"));
    private static final Set<String> JAVA_LANG = new HashSet<>(Arrays.asList(
            "String", "Object", "Integer", "Long", "Short", "Byte", "Character", "Boolean", "Double", "Float",
            "Number", "CharSequence", "Class", "Runnable", "Iterable", "Throwable", "Exception", "Enum"));
    private static final String[] PLATFORM = {"java", "javax", "jdk", "sun"};

    private final String text;
    private final Glob type;
    private final boolean subtypes;
    private final Glob method;
    /** Exact parameter types, erased, as {@code int}, {@code byte[]}, {@code java.lang.String}. */
    private final List<String> parameters;
    /** Whether more parameters may follow {@link #parameters} ({@code ..}). */
    private final boolean moreParameters;

    private MethodPattern(String text, Glob type, boolean subtypes, Glob method, List<String> parameters,
            boolean moreParameters) {
        this.text = text;
        this.type = type;
        this.subtypes = subtypes;
        this.method = method;
        this.parameters = Collections.unmodifiableList(parameters);
        this.moreParameters = moreParameters;
    }

    /** Parses and checks a pattern; the {@link Invalid} message says what is wrong and how to write it. */
    static MethodPattern parse(String raw) throws Invalid {
        String text = raw.trim();
        int hash = text.indexOf('#');
        if (hash < 0) {
            throw new Invalid("missing '#' and the method: write the class, '#', the method and its parameters, "
                    + "e.g. " + EXAMPLE);
        }
        if (text.indexOf('#', hash + 1) >= 0) {
            throw new Invalid("has more than one '#'; write one class and one method, e.g. " + EXAMPLE);
        }
        String typePart = text.substring(0, hash).trim();
        String methodPart = text.substring(hash + 1).trim();
        boolean subtypes = typePart.endsWith("+");
        if (subtypes) {
            typePart = typePart.substring(0, typePart.length() - 1).trim();
        }
        checkTypeSyntax(typePart);
        String[] segments = typePart.split("\\.", -1);
        refuseTooWide(typePart, segments);
        refusePlatform(typePart, segments, subtypes);
        int open = methodPart.indexOf('(');
        if (methodPart.trim().isEmpty()) {
            throw new Invalid("names no method after '#': write e.g. " + EXAMPLE);
        }
        if (open < 0) {
            String name = methodPart.trim();
            throw new Invalid("missing the parameter list after '" + name + "': write " + name
                    + "(..) for any parameters, or " + name + "() for none");
        }
        String name = methodPart.substring(0, open).trim();
        if (name.isEmpty()) {
            throw new Invalid("names no method before '(': write e.g. " + EXAMPLE);
        }
        checkMethodSyntax(name);
        int close = methodPart.indexOf(')', open);
        if (close < 0) {
            throw new Invalid("missing ')' at the end of the parameter list");
        }
        String after = methodPart.substring(close + 1);
        if (!after.trim().isEmpty()) {
            throw new Invalid("unexpected text after ')': '" + after.trim() + "'");
        }
        List<String> parameters = new ArrayList<>();
        boolean more = parameters(methodPart.substring(open + 1, close), parameters);
        refuseConstructor(name, segments[segments.length - 1]);
        return new MethodPattern(text, new Glob(typePart), subtypes, new Glob(name), parameters, more);
    }

    private static void checkTypeSyntax(String t) throws Invalid {
        if (t.isEmpty()) {
            throw new Invalid("names no class before '#': write e.g. " + EXAMPLE);
        }
        if (t.indexOf('+') >= 0) {
            throw new Invalid("'+' goes right after the class name, before '#', e.g. com.acme.spi.Exporter+#write(..)");
        }
        if (t.contains("**")) {
            throw new Invalid("'**' is not supported: '*' matches within one name and never across '.'; write one "
                    + "'*' per name (com.acme.*.Service), or use '+' on a common supertype");
        }
        if (t.contains("..")) {
            throw new Invalid("'..' in a class name (any sub-package) is not supported: name each package, write "
                    + "'*' for one name (com.acme.*.Service), or use '+' on a common supertype");
        }
        if (t.startsWith(".") || t.endsWith(".")) {
            throw new Invalid("'" + t + "' is not a class name: a name is missing next to '.'");
        }
        if (t.indexOf('/') >= 0) {
            throw new Invalid("write the class with dots, not '/': " + t.replace('/', '.'));
        }
        if (t.indexOf('<') >= 0) {
            throw new Invalid("'" + t + "': type arguments are not written, rules match classes by name "
                    + "(com.acme.Cache, not com.acme.Cache<K, V>)");
        }
        for (String segment : t.split("\\.", -1)) {
            checkName(segment, "class name", true);
        }
    }

    private static void checkMethodSyntax(String name) throws Invalid {
        String n = name.trim();
        if (n.equals("<init>") || n.equals("new")) {
            throw new Invalid("'" + n + "' is a constructor: constructors cannot be metered, because advice cannot "
                    + "skip a constructor's body; meter a method instead");
        }
        if (n.equals("<clinit>")) {
            throw new Invalid("'<clinit>' is a static initializer, which cannot be metered; meter a method instead");
        }
        if (name.contains("**")) {
            throw new Invalid("'**' is not supported: '*' alone matches any run of characters in a method name");
        }
        if (name.indexOf('.') >= 0) {
            throw new Invalid("a method name has no '.': put the class before '#', e.g. " + EXAMPLE);
        }
        checkName(name, "method name", true);
    }

    /** A Java name, or with {@code wildcards} a Java name in which {@code *} stands for any part. */
    private static void checkName(String name, String what, boolean wildcards) throws Invalid {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (wildcards && c == '*')
                    || (i == 0 ? Character.isJavaIdentifierStart(c) : Character.isJavaIdentifierPart(c));
            if (Character.isWhitespace(c)) {
                throw new Invalid("a space is not allowed in a " + what + " ('" + name.trim() + "')");
            }
            if (!ok) {
                throw new Invalid("'" + c + "' is not allowed in a " + what + " ('" + name + "')"
                        + (wildcards ? "; '*' stands for any part of one name" : ""));
            }
        }
    }

    /** Fills {@code out} with the exact parameter types; returns whether {@code ..} ends the list. */
    private static boolean parameters(String inside, List<String> out) throws Invalid {
        if (inside.trim().isEmpty()) {
            return false;
        }
        String[] parts = inside.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.equals("..")) {
                if (i != parts.length - 1) {
                    throw new Invalid("'..' may only end the parameter list, as in (java.lang.String, ..)");
                }
                return true;
            }
            out.add(parameter(p));
        }
        return false;
    }

    private static String parameter(String p) throws Invalid {
        if (p.isEmpty()) {
            throw new Invalid("a parameter type is missing between ','");
        }
        if (p.endsWith("...")) {
            throw new Invalid("write the varargs parameter '" + p + "' as an array: "
                    + p.substring(0, p.length() - 3).trim() + "[]");
        }
        if (p.indexOf('<') >= 0) {
            throw new Invalid("'" + p + "': type arguments are not written, parameters match by their erased type "
                    + "(java.util.List, not java.util.List<java.lang.String>)");
        }
        if (p.indexOf('*') >= 0) {
            throw new Invalid("'" + p + "': parameter types are written in full (java.lang.String, int, byte[]), "
                    + "without '*'; write .. for any parameters");
        }
        String base = p;
        int dims = 0;
        while (base.endsWith("[]")) {
            base = base.substring(0, base.length() - 2).trim();
            dims++;
        }
        if (base.isEmpty() || base.indexOf('[') >= 0 || base.indexOf(']') >= 0) {
            throw new Invalid("'" + p + "' is not a parameter type (write arrays as byte[] or java.lang.String[][])");
        }
        if (base.equals("void")) {
            throw new Invalid("'void' is not a parameter type; write () for a method without parameters");
        }
        if (!PRIMITIVES.contains(base)) {
            if (base.indexOf('.') < 0) {
                checkName(base, "parameter type", false);
                throw new Invalid("'" + base + "' is not fully qualified: write " + (JAVA_LANG.contains(base)
                        ? "java.lang." + base : "its package too, e.g. com.acme." + base));
            }
            if (base.startsWith(".") || base.endsWith(".") || base.contains("..")) {
                throw new Invalid("'" + p + "' is not a parameter type: a name is missing next to '.'");
            }
            for (String segment : base.split("\\.")) {
                checkName(segment, "parameter type", false);
            }
        }
        StringBuilder s = new StringBuilder(base);
        for (int d = 0; d < dims; d++) {
            s.append("[]");
        }
        return s.toString();
    }

    private static void refuseTooWide(String t, String[] segments) throws Invalid {
        boolean onlyWildcards = true;
        for (String s : segments) {
            onlyWildcards &= s.replace("*", "").isEmpty();
        }
        if (onlyWildcards) {
            throw new Invalid("'" + t + "' matches every class: name the package at least, e.g. "
                    + "com.acme.*Service#export*(..)");
        }
        if (segments[0].indexOf('*') >= 0) {
            throw new Invalid("'" + t + "' starts with a wildcard and would reach into every library and the JDK: "
                    + "write the first name of the package out, e.g. com.acme.*Service");
        }
    }

    private static void refusePlatform(String t, String[] segments, boolean subtypes) throws Invalid {
        boolean platform = false;
        if (segments.length >= 2) {
            for (String p : PLATFORM) {
                platform |= segments[0].equals(p);
            }
            platform |= segments.length >= 3 && segments[0].equals("com") && segments[1].equals("sun");
        }
        if (platform) {
            throw new Invalid("'" + t + "' is in the Java platform (java.*, javax.*, jdk.*, sun.*, com.sun.*), which "
                    + "the agent never meters" + (subtypes ? ", not even through '+'" : "")
                    + "; meter the product's own method that calls it");
        }
        if (segments.length >= 3 && segments[0].equals("dev") && segments[1].equals("tollgate")) {
            throw new Invalid("'" + t + "' is the Tollgate agent's own code (dev.tollgate.*), which it never meters");
        }
    }

    private static void refuseConstructor(String name, String lastSegment) throws Invalid {
        String simple = lastSegment.substring(lastSegment.lastIndexOf('$') + 1);
        if (name.indexOf('*') < 0 && name.equals(simple)) {
            throw new Invalid("'" + name + "' is the class's own name, so it means a constructor: constructors cannot "
                    + "be metered, because advice cannot skip a constructor's body; meter a method instead");
        }
    }

    /** The pattern as written, trimmed. */
    public String text() {
        return text;
    }

    /** Whether the rule reaches subtypes ({@code +}). */
    public boolean subtypes() {
        return subtypes;
    }

    /** Whether a class (binary name, {@code com.acme.Outer$Inner}) is the rule's class, or one of them. */
    public boolean matchesType(String binaryName) {
        return type.matches(binaryName);
    }

    /**
     * A cheap look at an internal name ({@code com/acme/Merger}) before anything is parsed: whether
     * {@link #matchesType} could hold. Compares the literal prefix first and builds no string unless it matches.
     */
    public boolean mayMatchInternalName(String internalName) {
        return type.matchesInternal(internalName);
    }

    /** Whether a method name fits the method part. */
    public boolean matchesMethodName(String name) {
        return method.matches(name);
    }

    /** Whether the method part is a plain name, without {@code *}. */
    public boolean namesMethodExactly() {
        return method.isLiteral();
    }

    /** Whether erased parameter types, written as {@code int}, {@code byte[]} or {@code java.lang.String}, fit. */
    public boolean matchesParameters(List<String> types) {
        if (moreParameters ? types.size() < parameters.size() : types.size() != parameters.size()) {
            return false;
        }
        for (int i = 0; i < parameters.size(); i++) {
            if (!parameters.get(i).equals(types.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }

    /** A name in which {@code *} stands for any run of characters other than {@code '.'}. */
    static final class Glob {
        private final String text;
        /** The literal text before the first {@code *}. */
        private final String prefix;
        /** {@code null} when the text has no {@code *}. */
        private final Pattern regex;

        Glob(String text) {
            this.text = text;
            int star = text.indexOf('*');
            this.prefix = star < 0 ? text : text.substring(0, star);
            if (star < 0) {
                this.regex = null;
            } else {
                StringBuilder r = new StringBuilder();
                int from = 0;
                for (int i = star; i >= 0; i = text.indexOf('*', from)) {
                    if (i > from) {
                        r.append(Pattern.quote(text.substring(from, i)));
                    }
                    r.append("[^.]*");
                    from = i + 1;
                }
                if (from < text.length()) {
                    r.append(Pattern.quote(text.substring(from)));
                }
                this.regex = Pattern.compile(r.toString());
            }
        }

        boolean isLiteral() {
            return regex == null;
        }

        boolean matches(String name) {
            if (regex == null) {
                return text.equals(name);
            }
            return name.startsWith(prefix) && regex.matcher(name).matches();
        }

        /** As {@link #matches}, on an internal name ({@code /} for {@code .}). */
        boolean matchesInternal(String internal) {
            if (internal == null || internal.length() < prefix.length()
                    || (regex == null && internal.length() != text.length())) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                char c = internal.charAt(i);
                if ((c == '/' ? '.' : c) != prefix.charAt(i)) {
                    return false;
                }
            }
            return regex == null || regex.matcher(internal.replace('/', '.')).matches();
        }
    }
}
