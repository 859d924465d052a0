package dev.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The README tells a product how to depend on this jar: with the coordinates the build really has. */
class ReadmeDependencyTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    private static String version() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher m = Pattern.compile("<artifactId>tollgate-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertThat(m.find()).as("the parent's version in %s", ROOT.resolve("pom.xml")).isTrue();
        return m.group(1);
    }

    @Test
    void theReadmeShowsTheMavenDependencyWithThisBuildsVersion() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));

        assertThat(readme).contains("<dependency>\n"
                + "  <groupId>dev.tollgate</groupId>\n"
                + "  <artifactId>tollgate-annotations</artifactId>\n"
                + "  <version>" + version() + "</version>\n"
                + "</dependency>");
    }

    @Test
    void theReadmeShowsGradlesLineAndHowToInstallTheJarLocally() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));

        assertThat(readme).contains("implementation(\"dev.tollgate:tollgate-annotations:" + version() + "\")");
        assertThat(readme).contains("mavenLocal()");
        assertThat(readme).contains("mvn -B -q -pl annotations -am install");
    }
}
