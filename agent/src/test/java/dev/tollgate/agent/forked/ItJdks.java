package dev.tollgate.agent.forked;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which JDKs the forked-JVM tests run on: always the one running the build, and besides it
 *
 * <ul>
 *   <li>{@code tollgate.it.jdks=auto} (the default): the newest JDK found in the usual install folders (beside the
 *       running one, {@code /usr/lib/jvm}, {@code /Library/Java/JavaVirtualMachines}), when it is newer than the
 *       running one; none found is fine, so {@code mvn verify} works on a machine with one JDK;</li>
 *   <li>{@code tollgate.it.jdks=none}: no other;</li>
 *   <li>{@code tollgate.it.jdks=/path/a,/path/b}: exactly these, each of which must exist, or the forked tests fail
 *       (never skip). CI names JDK 25 this way, through the environment variable {@code TOLLGATE_IT_JDKS} that the
 *       root pom turns into the property.</li>
 * </ul>
 */
final class ItJdks {

    static final String PROPERTY = "tollgate.it.jdks";
    static final String AUTO = "auto";
    static final String NONE = "none";

    private ItJdks() {
    }

    /** The install folders searched by {@code auto}. */
    static List<Path> searchRoots(Path running) {
        List<Path> roots = new ArrayList<>();
        if (running.getParent() != null) {
            roots.add(running.getParent());
        }
        roots.add(Path.of("/usr/lib/jvm"));
        roots.add(Path.of("/Library/Java/JavaVirtualMachines"));
        return roots;
    }

    /**
     * The JDKs to run on for the value of {@code tollgate.it.jdks}.
     *
     * @param running the JDK running the build (the first in the answer)
     * @param runningFeature its feature version ({@code Runtime.version().feature()})
     * @param roots where {@code auto} looks
     * @throws IllegalStateException when a named JDK does not exist, naming it and what to do
     */
    static List<ForkedJvm.Jdk> select(String setting, ForkedJvm.Jdk running, int runningFeature, List<Path> roots) {
        List<ForkedJvm.Jdk> jdks = new ArrayList<>();
        jdks.add(running);
        String value = setting == null ? "" : setting.trim();
        if (value.isEmpty() || value.equals(AUTO)) {
            newest(roots).filter(found -> feature(found.home()) > runningFeature)
                    .filter(found -> !sameFile(found.home(), running.home()))
                    .ifPresent(jdks::add);
            return jdks;
        }
        if (value.equals(NONE)) {
            return jdks;
        }
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            Path home = Path.of(entry.trim());
            if (!Files.isExecutable(home.resolve("bin").resolve("java"))) {
                throw new IllegalStateException("the JDK named by " + PROPERTY + " (or TOLLGATE_IT_JDKS) is not at "
                        + home + " (no executable bin/java there): install it, or name the JDK homes to test on with"
                        + " -D" + PROPERTY + "=<home>,<home> (or " + AUTO + ", or " + NONE
                        + " for only the JDK running Maven)");
            }
            if (!sameFile(home, running.home())) {
                jdks.add(new ForkedJvm.Jdk(nameOf(home), home));
            }
        }
        return jdks;
    }

    /** The JDK with the highest feature version in {@code roots} (a folder per JDK), if any. */
    static Optional<ForkedJvm.Jdk> newest(List<Path> roots) {
        List<Path> homes = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
                for (Path child : children) {
                    Path mac = child.resolve("Contents").resolve("Home");
                    Path home = Files.isDirectory(mac) ? mac : child;
                    if (isJdk(home) && homes.stream().noneMatch(h -> sameFile(h, home))) {
                        homes.add(home);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + root, e);
            }
        }
        return homes.stream()
                .max(Comparator.comparingInt(ItJdks::feature).thenComparing(Path::toString, Comparator.reverseOrder()))
                .map(home -> new ForkedJvm.Jdk(nameOf(home), home));
    }

    private static boolean isJdk(Path home) {
        return Files.isExecutable(home.resolve("bin").resolve("java")) && Files.isRegularFile(home.resolve("release"));
    }

    /** The feature version in the home's {@code release} file ({@code JAVA_VERSION="25.0.3"}: 25); 0 when unknown. */
    static int feature(Path home) {
        String version = releaseVersion(home);
        if (version == null) {
            return 0;
        }
        String first = version.split("[.+-]")[0];
        try {
            int n = Integer.parseInt(first);
            return n == 1 && version.startsWith("1.") ? Integer.parseInt(version.split("\\.")[1]) : n;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String nameOf(Path home) {
        int feature = feature(home);
        return feature > 0 ? "jdk" + feature : home.getFileName().toString();
    }

    private static String releaseVersion(Path home) {
        Path release = home.resolve("release");
        try {
            if (Files.isRegularFile(release)) {
                for (String line : Files.readAllLines(release)) {
                    if (line.startsWith("JAVA_VERSION=")) {
                        return line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
                    }
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
