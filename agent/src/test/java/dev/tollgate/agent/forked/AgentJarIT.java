package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped jar: self-contained, relocated, with the manifest an agent needs. */
class AgentJarIT {

    @Test
    void everyClassInTheAgentJarLivesUnderDevTollgate() throws IOException {
        try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
            List<String> outside = jar.stream().map(e -> e.getName())
                    .filter(n -> n.endsWith(".class") && !n.startsWith("dev/tollgate/"))
                    .toList();
            assertThat(outside).as("classes outside dev/tollgate/ (relocate them under dev.tollgate.agent.shaded)")
                    .isEmpty();
            assertThat(jar.getEntry("dev/tollgate/agent/shaded/bytebuddy/ByteBuddy.class")).isNotNull();
            assertThat(jar.getEntry("dev/tollgate/agent/shaded/snakeyaml/Yaml.class")).isNotNull();
            assertThat(jar.getEntry("dev/tollgate/agent/shaded/okhttp3/OkHttpClient.class")).isNotNull();
            assertThat(jar.getEntry("dev/tollgate/agent/shaded/jackson/databind/ObjectMapper.class")).isNotNull();
        }
    }

    @Test
    void theManifestDeclaresTheAgentEntryPointsAndRetransformation() throws IOException {
        try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Premain-Class")).isEqualTo("dev.tollgate.agent.TollgateAgent");
            assertThat(main.getValue("Agent-Class")).isEqualTo("dev.tollgate.agent.TollgateAgent");
            assertThat(main.getValue("Main-Class")).isEqualTo("dev.tollgate.agent.TollgateAgent");
            assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
            assertThat(main.getValue("Can-Redefine-Classes")).isEqualTo("true");
            assertThat(main.getValue("Implementation-Version")).isNotBlank();
        }
    }

    @Test
    void theJarRunsAsACommandAndRefusesUnknownCommands(@TempDir Path dir) {
        ForkedJvm.Jdk jdk = ForkedJvm.jdks().get(0);
        ForkedJvm.Result version = ForkedJvm.java(jdk, dir, "-jar", ForkedJvm.agentJar().toString(), "version");
        assertThat(version.exit()).as(version.toString()).isZero();
        assertThat(version.out()).startsWith("tollgate-agent ");

        ForkedJvm.Result unknown = ForkedJvm.java(jdk, dir, "-jar", ForkedJvm.agentJar().toString(), "frobnicate");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command 'frobnicate'");
    }
}
