package dev.tollgate.agent.cli;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.tollgate.agent.config.Rule;
import dev.tollgate.agent.instrument.ClassFiles;
import dev.tollgate.agent.instrument.ExceptionTypes;
import dev.tollgate.agent.rules.ClassShape;
import dev.tollgate.agent.rules.Decision;
import dev.tollgate.agent.rules.MeteredMethod;
import dev.tollgate.agent.rules.MeteringRules;
import dev.tollgate.agent.rules.RetrofitRules;

/**
 * {@code check}'s scan: what the agent would meter in some jars and folders, decided by the agent's own rules
 * ({@link MeteringRules}) on the class files alone ({@link ClassFiles}): nothing is loaded or run. Besides the
 * metered methods it collects what only a dry run reports: refusals, rules that matched nothing, class files
 * that cannot be read, and supertypes missing from the given jars.
 *
 * <pre>{@code
 * try (DryRun dry = DryRun.open(paths)) {
 *     DryRun.Report report = dry.scan(config.rules());
 *     report.metered().forEach(...);
 * }
 * }</pre>
 */
final class DryRun implements Closeable {

    /** The outcome of a scan. */
    static final class Report {
        private final List<MeteredMethod> metered;
        private final List<String> refused;
        private final List<Rule> unmatched;
        private final List<String> unreadableClasses;
        private final List<String> missingSupertypes;
        private final int classes;

        Report(List<MeteredMethod> metered, List<String> refused, List<Rule> unmatched, List<String> unreadableClasses,
                List<String> missingSupertypes, int classes) {
            this.metered = Collections.unmodifiableList(metered);
            this.refused = Collections.unmodifiableList(refused);
            this.unmatched = Collections.unmodifiableList(unmatched);
            this.unreadableClasses = Collections.unmodifiableList(unreadableClasses);
            this.missingSupertypes = Collections.unmodifiableList(missingSupertypes);
            this.classes = classes;
        }

        /** Every method that would be metered, by class name and then in declaration order. */
        public List<MeteredMethod> metered() {
            return metered;
        }

        /** Annotations and rules the agent would refuse, with the reason, as it would print them. */
        public List<String> refused() {
            return refused;
        }

        /** Rules that matched no method in the scanned classes. */
        public List<Rule> unmatched() {
            return unmatched;
        }

        /** Class files that could not be read, each {@code name: reason}. */
        public List<String> unreadableClasses() {
            return unreadableClasses;
        }

        /**
         * Supertypes (outside the Java platform) of scanned classes that are in none of the jars and folders:
         * '+' rules and inherited {@code @Metered} cannot see beyond them, so the scan may miss methods.
         */
        public List<String> missingSupertypes() {
            return missingSupertypes;
        }

        /** How many classes were looked at. */
        public int classes() {
            return classes;
        }
    }

    private final ClassFiles files;

    private DryRun(ClassFiles files) {
        this.files = files;
    }

    /** Opens jars and folders; those that cannot be read are in {@link #unreadable()}. */
    static DryRun open(List<Path> paths) {
        return new DryRun(ClassFiles.open(paths));
    }

    /** Paths given to {@link #open} that could not be read, with the reason. */
    Map<Path, String> unreadable() {
        return files.unreadable();
    }

    int jars() {
        return files.jars();
    }

    int folders() {
        return files.folders();
    }

    /** Finds every method that {@code @Metered} or {@code rules} would meter in the opened jars and folders. */
    Report scan(List<Rule> rules) {
        RetrofitRules tracked = new RetrofitRules(rules);
        List<MeteredMethod> metered = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        TreeSet<String> missing = new TreeSet<>();
        TreeSet<String> names = files.classNames(bad);
        for (String name : names) {
            ClassShape type = files.describe(name);
            if (type == null) {
                bad.add(name + ": cannot be read");
                continue;
            }
            try {
                if (type.isAnnotation()) {
                    continue;
                }
                MeteringRules.supertypeNames(type, missing);
                Decision decision = MeteringRules.decide(type, tracked.all());
                refused.addAll(decision.refused());
                for (MeteredMethod m : decision.metered()) {
                    tracked.matched(m);
                    metered.add(m);
                }
            } catch (RuntimeException e) {
                bad.add(name + ": " + e);
            }
        }
        return new Report(metered, refused, tracked.unmatched(), bad, new ArrayList<>(missing), names.size());
    }

    /** Whether a configured denial exception can be built, as the agent checks it at startup. */
    ExceptionTypes.Verdict checkException(String className) {
        return files.checkException(className);
    }

    @Override
    public void close() {
        files.close();
    }
}
