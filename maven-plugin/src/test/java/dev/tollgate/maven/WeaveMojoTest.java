package dev.tollgate.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.agent.config.PinnedConfig;

/**
 * The {@code weave} goal on real compiled classes, run as Maven runs it (its parameters set, then
 * {@code execute}): it weaves in place with the agent's weaver and logs what it did, fails the build naming the
 * class when one cannot be woven, and says so when it is skipped or there is nothing to weave. That the woven
 * classes are metered on a real JVM is the agent's {@code WovenIT}, on classes woven by the same weaver; the
 * sample app's {@code -Pwoven} build runs this goal in a real Maven.
 */
class WeaveMojoTest {

    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();

    @Test
    void theCompiledClassesAreWovenInPlaceAndTheSummaryLogged() throws Exception {
        Path classes = compile("com/acme/Reports.java", """
                package com.acme;
                public class Reports {
                    @dev.tollgate.Metered("export") public String export() { return "done"; }
                    @dev.tollgate.Metered(value = "render", cost = 2) public static int render() { return 1; }
                }
                """);
        byte[] before = Files.readAllBytes(classes.resolve("com/acme/Reports.class"));

        mojo(classes).execute();

        assertThat(log).containsExactly("info Tollgate: wove 2 metered method(s) in 1 class(es) of " + classes
                + "; 0 already woven");
        assertThat(Files.readAllBytes(classes.resolve("com/acme/Reports.class"))).isNotEqualTo(before);
        assertThat(new String(Files.readAllBytes(classes.resolve("com/acme/Reports.class")), "ISO-8859-1"))
                .contains("tollgate$woven", "tollgate-weave/1");
    }

    @Test
    void thePinnedConfigCopiedIntoTheClassesIsRecordedByItsDigestInEveryWovenClass() throws Exception {
        Path classes = compile("com/acme/Reports.java", """
                package com.acme;
                public class Reports { @dev.tollgate.Metered("export") public void export() { } }
                """);
        byte[] pinned = "features:\n  export: { mode: usage }\n".getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(classes.resolve("META-INF"));
        Files.write(classes.resolve("META-INF/tollgate.yml"), pinned); // process-resources ran before this goal

        mojo(classes).execute();

        assertThat(new String(Files.readAllBytes(classes.resolve("com/acme/Reports.class")), "ISO-8859-1"))
                .contains("tollgate-weave/1;config-sha256=" + PinnedConfig.digest(pinned));
    }

    @Test
    void aClassThatCannotBeWovenFailsTheBuildNamingItAndWritesNothing() throws Exception {
        Path classes = compile("com/acme/Exporter.java", """
                package com.acme;
                public interface Exporter {
                    @dev.tollgate.Metered("export") default String export() { return "done"; }
                }
                """);
        byte[] before = Files.readAllBytes(classes.resolve("com/acme/Exporter.class"));

        assertThatThrownBy(() -> mojo(classes).execute()).isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("Tollgate wove nothing in " + classes + ": 1 class(es) cannot be woven, first"
                        + " com.acme.Exporter: an interface's methods cannot be woven at build time");
        assertThat(log).singleElement().asString().startsWith("error Tollgate: com.acme.Exporter: an interface's");
        assertThat(Files.readAllBytes(classes.resolve("com/acme/Exporter.class"))).isEqualTo(before);
    }

    @Test
    void skippingWarnsThatTheMethodsAreMeteredOnlyUnderTheAgent() throws Exception {
        Path classes = compile("com/acme/Reports.java", """
                package com.acme;
                public class Reports { @dev.tollgate.Metered("export") public void export() { } }
                """);
        byte[] before = Files.readAllBytes(classes.resolve("com/acme/Reports.class"));
        WeaveMojo mojo = mojo(classes);
        mojo.skip = true;

        mojo.execute();

        assertThat(log).containsExactly("warn Tollgate weaving skipped (tollgate.weave.skip): the @Metered methods of "
                + classes + " are metered only under -javaagent");
        assertThat(Files.readAllBytes(classes.resolve("com/acme/Reports.class"))).isEqualTo(before);
    }

    @Test
    void aProjectWithoutClassesHasNothingToWeave() throws Exception {
        Path none = dir.resolve("target/classes");

        mojo(none).execute();

        assertThat(log).containsExactly("info Tollgate: no classes to weave in " + none);
    }

    @Test
    void theGoalIsWeaveBoundToProcessClassesWithTheCompileClassPath() throws IOException {
        String descriptor;
        try (var in = WeaveMojo.class.getResourceAsStream("/META-INF/maven/plugin.xml")) {
            assertThat(in).as("the plugin descriptor maven-plugin-plugin generates").isNotNull();
            descriptor = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }

        assertThat(descriptor).contains("<goalPrefix>tollgate</goalPrefix>", "<goal>weave</goal>",
                "<phase>process-classes</phase>", "<requiresDependencyResolution>compile</requiresDependencyResolution>",
                "<implementation>dev.tollgate.maven.WeaveMojo</implementation>");
    }

    private WeaveMojo mojo(Path classes) {
        WeaveMojo mojo = new WeaveMojo();
        mojo.classesDirectory = classes.toFile();
        mojo.classpathElements = List.of(classes.toString(), annotationsOnTheClassPath());
        mojo.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                log.add("info " + content);
            }

            @Override
            public void warn(CharSequence content) {
                log.add("warn " + content);
            }

            @Override
            public void error(CharSequence content) {
                log.add("error " + content);
            }
        });
        return mojo;
    }

    /** Compiles one source file for Java 8 into {@code target/classes} of the test's folder. */
    private Path compile(String path, String source) throws IOException {
        Path src = dir.resolve("src").resolve(path);
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = dir.resolve("target/classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int exit = javac.run(null, null, null, "--release", "8", "-cp", annotationsOnTheClassPath(), "-d",
                classes.toString(), src.toString());
        assertThat(exit).as("javac").isZero();
        return classes;
    }

    /** The annotations jar (or folder) the agent depends on: what a product compiles against. */
    private static String annotationsOnTheClassPath() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.getFileName().toString().startsWith("tollgate-annotations")
                    || p.endsWith(Path.of("annotations", "target", "classes"))) {
                return entry;
            }
        }
        throw new IllegalStateException("tollgate-annotations is not on the test class path");
    }
}
