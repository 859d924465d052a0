package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tollgate.agent.config.PinnedConfig;
import dev.tollgate.agent.instrument.BuildWeaver;

/**
 * Classes woven at build time by the shipped jar's {@code weave} command, run on real JVMs: with
 * {@code tollgate-agent.jar} on the class path and no {@code -javaagent} they are charged exactly as the unwoven
 * classes are under {@code -javaagent}; under {@code -javaagent} as well they are charged once; without the
 * runtime, or with a config that has problems, every call is denied with one clear line. And an executable jar
 * whose manifest names {@code Launcher-Agent-Class} is metered under a plain {@code java -jar}.
 */
class WovenIT {

    /** Every scenario whose output does not depend on how the agent was started. */
    static final String[] SCENARIOS = {"static", "instance", "private", "final", "costly=2", "usage", "override",
        "iface", "generic", "typelevel", "nested", "other", "plugin", "threads=100", "custom", "ghost=1", "refund"};

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void wovenClassesWithTheAgentJarOnTheClassPathAreChargedExactlyAsUnderTheAgentAndOnceWithBoth(ForkedJvm.Jdk jdk,
            @TempDir Path dir) throws IOException {
        Path woven = wovenFixtures(jdk, dir);
        ForkedJvm.write(dir, "tollgate.yml", MeteredMethodsIT.CONFIG.replace("dir: ledger", "dir: ledger-agent"));
        ForkedJvm.Result agent = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", SCENARIOS);
        ForkedJvm.write(dir, "tollgate.yml", MeteredMethodsIT.CONFIG.replace("dir: ledger", "dir: ledger-woven"));
        ForkedJvm.Result alone = ForkedJvm.java(jdk, dir, withArgs(cp(woven, ForkedJvm.annotationsJar(), ForkedJvm.agentJar())));
        ForkedJvm.write(dir, "tollgate.yml", MeteredMethodsIT.CONFIG.replace("dir: ledger", "dir: ledger-both"));
        ForkedJvm.Result both = ForkedJvm.java(jdk, dir, withArgs(ForkedJvm.agentOption("tollgate.yml"),
                cp(woven, ForkedJvm.annotationsJar())));

        assertThat(agent.exit()).as(agent.toString()).isZero();
        assertThat(alone.exit()).as(alone.toString()).isZero();
        assertThat(both.exit()).as(both.toString()).isZero();
        assertThat(agent.fields("static")).containsEntry("returned", "2").containsEntry("denied", "1");
        assertThat(agent.fields("threads")).containsEntry("returned", "100").containsEntry("denied", "700");
        // Same lines, but for the class loader of UsageDeniedException: without the agent it is the application's.
        assertThat(outcome(alone)).as(alone.toString()).isEqualTo(outcome(agent));
        assertThat(outcome(both)).as(both.toString()).isEqualTo(outcome(agent));
        assertThat(alone.agentLines()).anyMatch(l -> l.contains("started by woven classes, no -javaagent"));
        assertThat(alone.agentLines()).anyMatch(l -> l.contains("names feature 'ghost', which is not under features:"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aWovenMethodWithoutTheRuntimeOnTheClassPathIsDeniedWithOneLineSayingWhatIsMissing(ForkedJvm.Jdk jdk,
            @TempDir Path dir) throws IOException {
        Path woven = wovenFixtures(jdk, dir);
        ForkedJvm.write(dir, "tollgate.yml", MeteredMethodsIT.CONFIG);

        ForkedJvm.Result r = ForkedJvm.java(jdk, dir, args(cp(woven, ForkedJvm.annotationsJar()), "fixtures.Scenarios",
                "static", "instance"));

        assertThat(r.exit()).as(r.toString()).isZero();
        for (String kind : List.of("static", "instance")) {
            assertThat(r.fields(kind)).as(r.toString()).containsEntry("returned", "0").containsEntry("bodies", "0")
                    .containsEntry("denied", "3").containsEntry("reason", "MISCONFIGURED")
                    .containsEntry("message", "Feature '" + kind + "' denied: misconfigured: the Tollgate runtime is"
                            + " not on the class path (add dev.tollgate:tollgate-agent):"
                            + " java.lang.NoClassDefFoundError: dev/tollgate/agent/boot/SelfStart");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aWovenMethodWhoseRuntimeHasABadConfigIsDeniedAndTheProblemIsPrinted(ForkedJvm.Jdk jdk, @TempDir Path dir)
            throws IOException {
        Path woven = wovenFixtures(jdk, dir);
        ForkedJvm.write(dir, "tollgate.yml", "features:\n  static: { mode: credit }\n");

        ForkedJvm.Result r = ForkedJvm.java(jdk, dir, args(cp(woven, ForkedJvm.annotationsJar(), ForkedJvm.agentJar()),
                "fixtures.Scenarios", "static"));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.fields("static")).as(r.toString()).containsEntry("returned", "0").containsEntry("bodies", "0")
                .containsEntry("reason", "MISCONFIGURED");
        assertThat(r.agentLines()).anyMatch(l -> l.contains("tollgate.yml:2") && l.contains("credit"))
                .anyMatch(l -> l.contains("every metered call is denied (misconfigured)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aClassWovenWithAFactTheRuntimeCannotCheckIsDeniedAndSaysSo(ForkedJvm.Jdk jdk, @TempDir Path dir)
            throws IOException {
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve("fixtures"));
        for (String c : List.of("Paid", "Bodies")) {
            Files.copy(ForkedJvm.fixtures().resolve("fixtures/" + c + ".class"), classes.resolve("fixtures/" + c + ".class"));
        }
        // What a newer weaver that records another fact writes; this runtime cannot check it, so it must not ignore it.
        BuildWeaver.Result weave = BuildWeaver.weave(classes, List.of(ForkedJvm.annotationsJar()),
                Map.of("licence-sha256", "0123"));
        assertThat(weave.problems()).isEmpty();
        ForkedJvm.write(dir, "tollgate.yml", MeteredMethodsIT.CONFIG);

        ForkedJvm.Result r = ForkedJvm.java(jdk, dir, args(cp(classes, ForkedJvm.fixtures(), ForkedJvm.annotationsJar(),
                ForkedJvm.agentJar()), "fixtures.Scenarios", "static"));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.fields("static")).as(r.toString()).containsEntry("returned", "0").containsEntry("bodies", "0")
                .containsEntry("reason", "MISCONFIGURED");
        assertThat(r.agentLines()).anyMatch(l -> l.contains("fixtures.Paid is denied: it was woven with"
                + " [licence-sha256], which this runtime cannot check"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anAttachToAJvmWhoseWovenClassesStartedTheRuntimeIsRefused(ForkedJvm.Jdk jdk, @TempDir Path dir)
            throws Exception {
        Path woven = wovenFixtures(jdk, dir);
        Path config = ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  credits: { export: 3, inflight: 3 }
                features:
                  export: { mode: credits }
                  inflight: { mode: credits }
                """);
        Process target = ForkedJvm.startJava(jdk, dir, args(new String[] {"-XX:+EnableDynamicAgentLoading"},
                args(cp(woven, ForkedJvm.annotationsJar(), ForkedJvm.agentJar()), "fixtures.Waiting")));
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertThat(ready).as("the target's first line").startsWith("ready: export=1");
            String pid = Long.toString(target.pid());

            ForkedJvm.Result attach = ForkedJvm.java(jdk, dir, "-jar", ForkedJvm.agentJar().toString(), "attach", pid,
                    "tollgate.yml");

            assertThat(attach.exit()).as(attach.toString()).isEqualTo(1);
            assertThat(attach.err()).isEqualTo("tollgate: pid " + pid + " refused the attach: the agent already runs in"
                    + " this JVM (started by woven classes with config " + config + "); this attach with config "
                    + dir.resolve("tollgate.yml") + " changed nothing: restart the JVM to change the config\n");
        } finally {
            target.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anExecutableJarWithLauncherAgentClassIsMeteredUnderPlainJavaJar(ForkedJvm.Jdk jdk, @TempDir Path dir)
            throws IOException {
        Files.copy(ForkedJvm.agentJar(), dir.resolve("tollgate-agent.jar"));
        Files.copy(ForkedJvm.annotationsJar(), dir.resolve("tollgate-annotations.jar"));
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, "fixtures.Scenarios");
        main.put(Attributes.Name.CLASS_PATH, "tollgate-annotations.jar tollgate-agent.jar");
        main.putValue("Launcher-Agent-Class", "dev.tollgate.agent.LauncherAgent");
        main.putValue("Can-Retransform-Classes", "true");
        Path product = jar(ForkedJvm.fixtures(), dir.resolve("product.jar"), manifest);
        ForkedJvm.write(dir, "tollgate.yml", MeteredMethodsIT.CONFIG);

        ForkedJvm.Result r = ForkedJvm.java(jdk, dir, "-jar", product.toString(), "static", "instance", "override");

        assertThat(r.exit()).as(r.toString()).isZero();
        for (String kind : List.of("static", "instance", "override")) {
            assertThat(r.fields(kind)).as(r.toString()).containsEntry("returned", "2").containsEntry("bodies", "2")
                    .containsEntry("denied", "1").containsEntry("reason", "CREDITS_EXHAUSTED");
        }
        assertThat(r.agentLines()).anyMatch(l -> l.contains("started by the jar's Launcher-Agent-Class"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aWovenProductWhosePinnedConfigWasEditedAfterWeavingIsDeniedWhateverItsManifestSays(ForkedJvm.Jdk jdk,
            @TempDir Path dir) throws IOException {
        String pinned = "local:\n  dir: ledger\n  credits:\n    static: 2\nfeatures:\n  static: { mode: credits }\n";
        Path woven = wovenFixtures(jdk, dir, pinned);
        Path product = dir.resolve("acme.jar");
        jar(woven, product, sealed(pinned));
        try (FileSystem zip = FileSystems.newFileSystem(product)) {
            Files.write(zip.getPath(PinnedConfig.RESOURCE), pinned.getBytes(StandardCharsets.UTF_8));
        }
        String[] alone = cp(product, ForkedJvm.annotationsJar(), ForkedJvm.agentJar());
        ForkedJvm.Result untouched = ForkedJvm.java(jdk, dir, args(alone, "fixtures.Scenarios", "static"));
        assertThat(untouched.fields("static")).as(untouched.toString()).containsEntry("returned", "2")
                .containsEntry("denied", "1").containsEntry("reason", "CREDITS_EXHAUSTED");

        // The customer raises the credits and records the edited file's digest in the manifest as well.
        String edited = pinned.replace("static: 2", "static: 1000000");
        try (FileSystem zip = FileSystems.newFileSystem(product)) {
            Files.write(zip.getPath(PinnedConfig.RESOURCE), edited.getBytes(StandardCharsets.UTF_8));
            try (OutputStream out = Files.newOutputStream(zip.getPath("META-INF/MANIFEST.MF"))) {
                sealed(edited).write(out);
            }
        }
        ForkedJvm.Result started = ForkedJvm.java(jdk, dir, args(alone, "fixtures.Scenarios", "static"));
        ForkedJvm.Result underAgent = ForkedJvm.java(jdk, dir, args(new String[] {ForkedJvm.agentOption(null)},
                args(cp(product, ForkedJvm.annotationsJar()), "fixtures.Scenarios", "static")));

        String recorded = PinnedConfig.digest(pinned.getBytes(StandardCharsets.UTF_8));
        String found = PinnedConfig.digest(edited.getBytes(StandardCharsets.UTF_8));
        for (ForkedJvm.Result r : List.of(started, underAgent)) {
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.fields("static")).as(r.toString()).containsEntry("returned", "0").containsEntry("bodies", "0")
                    .containsEntry("denied", "3").containsEntry("reason", "MISCONFIGURED");
        }
        assertThat(started.agentLines()).as(started.toString()).anyMatch(l -> l.equals("[tollgate] error: " + product
                + "!/META-INF/tollgate.yml: does not match the digest recorded when the product was built (expected "
                + recorded + ", found " + found + "): an edited pinned config is never used, so every metered call is"
                + " denied; reinstall the product"));
        assertThat(underAgent.agentLines()).as(underAgent.toString()).anyMatch(l -> l.contains("fixtures.Paid is"
                + " denied: it was woven with the pinned config " + recorded + ", but the runtime uses " + found));
    }

    /** A manifest with {@code yaml}'s digest as {@link PinnedConfig#MANIFEST_ATTRIBUTE}. */
    private static Manifest sealed(String yaml) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(PinnedConfig.MANIFEST_ATTRIBUTE,
                PinnedConfig.digest(yaml.getBytes(StandardCharsets.UTF_8)));
        return manifest;
    }

    /** The fixtures, woven by the packaged agent's {@code weave} command in a forked JVM. */
    private static Path wovenFixtures(ForkedJvm.Jdk jdk, Path dir) throws IOException {
        return wovenFixtures(jdk, dir, null);
    }

    /** As {@link #wovenFixtures(ForkedJvm.Jdk, Path)}, with {@code pinned} as the folder's pinned config if not null. */
    static Path wovenFixtures(ForkedJvm.Jdk jdk, Path dir, String pinned) throws IOException {
        Path woven = dir.resolve("classes");
        if (pinned != null) {
            ForkedJvm.write(Files.createDirectories(woven.resolve("META-INF")), "tollgate.yml", pinned);
        }
        Path from = ForkedJvm.fixtures();
        try (Stream<Path> files = Files.walk(from.resolve("fixtures"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = woven.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        ForkedJvm.Result weave = ForkedJvm.java(jdk, dir, "-jar", ForkedJvm.agentJar().toString(), "weave",
                woven.toString(), ForkedJvm.annotationsJar().toString());
        assertThat(weave.exit()).as(weave.toString()).isZero();
        assertThat(weave.out()).as(weave.toString()).containsPattern("tollgate weave: wove \\d+ metered method\\(s\\) in");
        // Weaving again (an incremental build) leaves woven classes alone.
        ForkedJvm.Result again = ForkedJvm.java(jdk, dir, "-jar", ForkedJvm.agentJar().toString(), "weave",
                woven.toString(), ForkedJvm.annotationsJar().toString());
        assertThat(again.out()).as(again.toString()).contains("wove 0 metered method(s) in 0 class(es)");
        return woven;
    }

    static String[] cp(Path... entries) {
        List<String> cp = new ArrayList<>();
        for (Path e : entries) {
            cp.add(e.toString());
        }
        return new String[] {"-cp", String.join(File.pathSeparator, cp)};
    }

    static String[] args(String[] first, String... rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray(new String[0]);
    }

    private static String[] withArgs(String option, String[] cp) {
        List<String> all = new ArrayList<>(List.of(option));
        all.addAll(List.of(withArgs(cp)));
        return all.toArray(new String[0]);
    }

    private static String[] withArgs(String[] cp) {
        List<String> all = new ArrayList<>(List.of("-Dtollgate.config=tollgate.yml"));
        all.addAll(List.of(cp));
        all.add("fixtures.Scenarios");
        all.addAll(List.of(SCENARIOS));
        return all.toArray(new String[0]);
    }

    /** The scenario lines, without the loader of the denial's class (the one thing that differs without an agent). */
    private static List<String> outcome(ForkedJvm.Result r) {
        return r.out().lines().filter(l -> !l.startsWith("pause"))
                .map(l -> l.replaceAll(" loader=\\S+", "").replaceAll("loader=\\S+ ", "")).toList();
    }

    private static Path jar(Path classes, Path jar, Manifest manifest) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
                Stream<Path> files = Files.walk(classes.resolve("fixtures"))) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return jar;
    }
}
