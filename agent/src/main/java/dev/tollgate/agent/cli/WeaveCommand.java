package dev.tollgate.agent.cli;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tollgate.agent.instrument.BuildWeaver;

/**
 * {@code java -jar tollgate-agent.jar weave <classes-folder> [jar|folder|classpath ...]}: build-time weaving of a
 * compiled product's {@code @Metered} methods, in place ({@link BuildWeaver}); the Maven plugin's goal and a
 * Gradle task both come down to it. The jars and folders after the first are the compile class path, where the
 * supertypes of the product's classes are found (a method that overrides a metered one is metered too).
 *
 * <pre>
 * java -cp tollgate-agent.jar dev.tollgate.agent.TollgateAgent weave build/classes/java/main 'build/libs/*'
 * tollgate weave: wove 3 metered method(s) in 2 class(es) of build/classes/java/main; 0 already woven
 * </pre>
 *
 * Exit status: 0 woven (or nothing to weave); 1 nothing was written, with one line per problem; 2 bad usage.
 */
final class WeaveCommand {

    private WeaveCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            usage(out);
            return CheckCommand.OK;
        }
        if (args.length == 0) {
            err.println("tollgate weave: name the folder of class files to weave");
            usage(err);
            return CheckCommand.USAGE;
        }
        Map<Path, String> unusable = new LinkedHashMap<>();
        List<String> notes = new java.util.ArrayList<>();
        List<Path> classpath = CheckCommand.paths(args, unusable, notes);
        for (String note : notes) {
            err.println("tollgate weave: " + note);
        }
        for (Map.Entry<Path, String> u : unusable.entrySet()) {
            err.println("tollgate weave: " + u.getKey() + ": " + u.getValue());
        }
        if (!unusable.isEmpty()) {
            return CheckCommand.FAILED;
        }
        BuildWeaver.Result r = BuildWeaver.weave(Paths.get(args[0]), classpath);
        for (String w : r.warnings()) {
            err.println("tollgate weave: warning: " + w);
        }
        if (!r.problems().isEmpty()) {
            for (String p : r.problems()) {
                err.println("tollgate weave: error: " + p);
            }
            err.println("tollgate weave: nothing was woven: fix the " + r.problems().size() + " problem(s) above");
            return CheckCommand.FAILED;
        }
        out.println("tollgate weave: " + r.summary());
        return CheckCommand.OK;
    }

    private static void usage(PrintStream out) {
        out.println("Usage: java -jar tollgate-agent.jar weave <classes-folder> [jar | folder | classpath ...]");
        out.println("  weaves the @Metered methods of the compiled classes in place, so that they are charged with");
        out.println("  tollgate-agent.jar on the class path and no -javaagent; the jars and folders after it (classpaths");
        out.println("  separated by '" + File.pathSeparator + "', dir/* for its jars) hold the classes' supertypes");
    }
}
