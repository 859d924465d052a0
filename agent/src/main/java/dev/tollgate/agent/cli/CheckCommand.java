package dev.tollgate.agent.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.ConfigLoader;
import dev.tollgate.agent.config.Feature;
import dev.tollgate.agent.config.Problem;
import dev.tollgate.agent.config.Rule;
import dev.tollgate.agent.instrument.ExceptionTypes;
import dev.tollgate.agent.rules.MeteredMethod;

/**
 * {@code java -jar tollgate-agent.jar check <config> [jar|folder|classpath ...]}: a dry run. Validates the
 * config, printing every problem as the agent would, and lists every method that {@code @Metered} and the
 * retrofit rules would meter in the given jars and folders, by class, with feature, cost and origin. It reads
 * class files only: nothing is loaded or run.
 *
 * <p>Exit status: 0 when all is well; 1 when the config has problems, a jar or class cannot be read, the
 * agent would refuse an annotation or rule, or a {@code @Metered} feature is not configured; 2 on bad usage.
 * Rules that matched nothing are warnings (the method may be in a jar that was not given).
 */
final class CheckCommand {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private final PrintStream out;
    private int errors;

    private CheckCommand(PrintStream out) {
        this.out = out;
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            usage(out);
            return OK;
        }
        if (args.length == 0) {
            err.println("tollgate check: name the config file");
            usage(err);
            return USAGE;
        }
        for (String a : args) {
            if (a.startsWith("-")) {
                err.println("tollgate check: unknown option '" + a + "'");
                usage(err);
                return USAGE;
            }
        }
        return new CheckCommand(out).check(args);
    }

    static void usage(PrintStream out) {
        out.println("Usage: java -jar tollgate-agent.jar check <config.yml> [jar | folder | classpath ...]");
        out.println("  Validates the config and lists every method that @Metered and the retrofit rules would meter");
        out.println("  in the given jars and class folders (classpaths separated by '" + File.pathSeparator
                + "', dir" + File.separator + "* for all jars of a folder), reading class files only.");
        out.println("  Exit status: 0 fine, 1 problems found or a jar cannot be read, 2 bad usage.");
    }

    private int check(String[] args) {
        Path file;
        try {
            file = Paths.get(args[0]);
        } catch (InvalidPathException e) {
            out.println("error: " + args[0] + ": not a valid path");
            return FAILED;
        }
        Config config = new ConfigLoader().read(file);
        Map<Path, String> unusable = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        List<Path> paths = paths(args, unusable, notes);

        try (DryRun dry = DryRun.open(paths)) {
            unusable.putAll(dry.unreadable());
            DryRun.Report report = paths.isEmpty() ? null : dry.scan(config.rules());
            out.println("tollgate check: " + config.source() + "; " + plural(dry.jars(), "jar") + ", "
                    + plural(dry.folders(), "folder") + (report == null ? "" : ", " + plural(report.classes(), "class")));
            for (String note : notes) {
                out.println("note: " + note);
            }
            out.println();
            config(config, dry, paths);
            for (Map.Entry<Path, String> e : unusable.entrySet()) {
                error(e.getKey() + ": " + e.getValue());
            }
            if (report == null) {
                out.println("No jars or folders given: only the config was checked.");
            } else {
                methods(config, report);
            }
        }
        out.println();
        if (errors == 0) {
            out.println("check passed");
            return OK;
        }
        out.println("check failed: " + plural(errors, "error"));
        return FAILED;
    }

    /**
     * Why a denial exception found nowhere fails the check: the agent would deny the calls it is for. Says where
     * it was looked for, or that nothing was given to look in.
     */
    private static String notFound(String name, Feature feature, List<Path> searched) {
        String calls = feature == null ? "features without an exception of their own" : "'" + feature.name() + "'";
        if (searched.isEmpty()) {
            return "cannot verify " + name + ": no jars or folders were given, and it is not part of the JDK or the "
                    + "agent; give the product's class path (check <config> 'lib/*'), else the agent denies every call "
                    + "of " + calls + " (misconfigured) wherever it cannot find it";
        }
        int shown = Math.min(3, searched.size());
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < shown; i++) {
            where.append(i == 0 ? "" : ", ").append(searched.get(i));
        }
        if (shown < searched.size()) {
            where.append(" and ").append(searched.size() - shown).append(" more");
        }
        return name + " is not in the class path given (" + where + ") nor in the JDK: the agent would deny every "
                + "call of " + calls + " (misconfigured)";
    }

    private void config(Config config, DryRun dry, List<Path> searched) {
        if (config.isValid()) {
            out.println("config: no problems (" + plural(config.features().size(), "feature") + ", "
                    + plural(config.rules().size(), "retrofit rule") + ")");
        } else {
            out.println("config: " + plural(config.problems().size(), "problem") + "; the agent would deny every "
                    + "metered call (misconfigured) until they are fixed");
        }
        for (Problem p : config.problems()) {
            error(p.toString());
        }
        Set<Feature> own = new LinkedHashSet<>();
        boolean usesDefault = false;
        for (Feature f : config.features().values()) {
            if (f.exception() != null) {
                own.add(f);
            } else {
                usesDefault = true;
            }
        }
        List<Feature> checked = new ArrayList<>(own);
        if (usesDefault && !Config.DEFAULT_EXCEPTION.equals(config.exceptionFor(null))) {
            checked.add(null);
        }
        for (Feature f : checked) {
            String name = config.exceptionFor(f);
            ExceptionTypes.Verdict v = dry.checkException(name);
            if (!v.found()) {
                error(config.exceptionKeyFor(f) + ": " + notFound(name, f, searched));
            } else if (v.problem() != null) {
                error(config.problemAt(f, v.problem()).toString());
            }
        }
    }

    private void methods(Config config, DryRun.Report report) {
        List<MeteredMethod> metered = report.metered();
        int width = 0;
        int featureWidth = 0;
        for (MeteredMethod m : metered) {
            width = Math.max(width, m.method().length());
            featureWidth = Math.max(featureWidth, describe(config, m).length());
        }
        out.println();
        String current = null;
        Set<String> classes = new TreeSet<>();
        Map<String, MeteredMethod> unconfigured = new LinkedHashMap<>();
        for (MeteredMethod m : metered) {
            if (!m.className().equals(current)) {
                current = m.className();
                classes.add(current);
                out.println(current);
            }
            StringBuilder line = new StringBuilder("  ").append(pad(m.method(), width)).append("  ")
                    .append(pad(describe(config, m), featureWidth)).append("  ").append(m.origin());
            if (!m.alsoMatchedBy().isEmpty()) {
                line.append(" (also ").append(String.join(", ", m.alsoMatchedBy())).append(")");
            }
            out.println(line);
            if (!config.features().containsKey(m.feature()) && !unconfigured.containsKey(m.feature())
                    && m.origin().startsWith("@Metered")) {
                unconfigured.put(m.feature(), m);
            }
        }
        if (!metered.isEmpty()) {
            out.println();
        }
        out.println(metered.isEmpty() ? "No method would be metered."
                : plural(metered.size(), "method") + " in " + plural(classes.size(), "class") + " would be metered.");
        for (String refusal : report.refused()) {
            error(refusal);
        }
        for (MeteredMethod m : unconfigured.values()) {
            error(m.origin() + " on " + m.className() + "#" + m.method() + " names feature '" + m.feature()
                    + "', which is not under features: in " + config.source() + "; its calls would be denied "
                    + "(misconfigured)");
        }
        for (String bad : report.unreadableClasses()) {
            error("class " + bad);
        }
        List<String> missing = report.missingSupertypes();
        if (!missing.isEmpty()) {
            int shown = Math.min(5, missing.size());
            out.println("note: " + plural(missing.size(), "supertype") + " of the scanned classes " + (missing.size() == 1
                    ? "is" : "are") + " in none of the given jars and folders, so '+' rules and inherited @Metered "
                    + "cannot see beyond " + (missing.size() == 1 ? "it" : "them") + ": "
                    + String.join(", ", missing.subList(0, shown))
                    + (shown < missing.size() ? " and " + (missing.size() - shown) + " more" : "")
                    + "; give the whole class path to see every metered method");
        }
        for (Rule r : report.unmatched()) {
            out.println("warning: " + r.location() + ": " + r.pattern().text() + " matched no method in the given "
                    + "jars and folders");
        }
    }

    /** {@code feature export, cost 2}: the cost the agent would charge per call. */
    private static String describe(Config config, MeteredMethod m) {
        Feature f = config.features().get(m.feature());
        if (f == null) {
            return "feature " + m.feature() + " (not configured)";
        }
        int cost = m.cost() > 0 ? m.cost() : f.cost();
        return "feature " + m.feature() + ", cost " + cost;
    }

    /** The jars and folders named by the arguments after the config: classpaths are split, dir/* expanded. */
    static List<Path> paths(String[] args, Map<Path, String> unusable, List<String> notes) {
        List<Path> paths = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            for (String element : args[i].split(java.util.regex.Pattern.quote(File.pathSeparator))) {
                if (element.trim().isEmpty()) {
                    continue;
                }
                try {
                    if (element.equals("*") || element.endsWith(File.separator + "*") || element.endsWith("/*")) {
                        Path dir = Paths.get(element.substring(0, element.length() - 1).isEmpty() ? "."
                                : element.substring(0, element.length() - 1));
                        jarsIn(dir, paths, unusable);
                    } else if (!jarFolder(Paths.get(element), paths, notes)) {
                        paths.add(Paths.get(element));
                    }
                } catch (InvalidPathException e) {
                    unusable.put(Paths.get("."), "'" + element + "' is not a valid path");
                }
            }
        }
        return paths;
    }

    /**
     * A folder named without {@code /*} that holds jars and no class file is read as its jars (as the JVM would
     * not: on a class path it is a class folder), with a note; returns whether it was.
     */
    private static boolean jarFolder(Path dir, List<Path> paths, List<String> notes) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        List<Path> jars = new ArrayList<>();
        Map<Path, String> unlisted = new LinkedHashMap<>();
        jarsIn(dir, jars, unlisted);
        if (jars.isEmpty() || !unlisted.isEmpty()) {
            return false;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            if (files.anyMatch(f -> f.getFileName().toString().endsWith(".class"))) {
                return false; // a class folder: read as one
            }
        } catch (IOException | RuntimeException e) {
            return false; // DryRun reports a folder it cannot list
        }
        paths.addAll(jars);
        notes.add(dir + " holds " + plural(jars.size(), "jar") + " and no class files: read its jars, as "
                + dir + File.separator + "* would (on a class path, a folder is only for class files)");
        return true;
    }

    private static void jarsIn(Path dir, List<Path> paths, Map<Path, String> unusable) {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar")) {
                    jars.add(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            unusable.put(dir, "cannot list the folder's jars (" + e + ")");
            return;
        }
        java.util.Collections.sort(jars);
        paths.addAll(jars);
    }

    private void error(String message) {
        errors++;
        out.println("error: " + message);
    }

    private static String plural(int n, String word) {
        return n + " " + (n == 1 ? word : word.endsWith("s") ? word + "es" : word + "s");
    }

    private static String pad(String s, int width) {
        StringBuilder b = new StringBuilder(s);
        while (b.length() < width) {
            b.append(' ');
        }
        return b.toString();
    }
}
