package dev.tollgate.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;

/** The jar appended to the bootstrap class path, written by hand for startup speed, is a valid jar. */
class BootstrapJarTest {

    @Test
    void theJarHoldsExactlyTheBridgeClassesByteForByte() throws IOException {
        Path jar = BootstrapJar.write();
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> names = file.stream().map(ZipEntry::getName).toList();
            assertThat(names).containsExactly(
                    "dev/tollgate/Metered.class",
                    "dev/tollgate/UsageDeniedException.class",
                    "dev/tollgate/UsageDeniedException$Reason.class",
                    "dev/tollgate/Tollgate.class",
                    "dev/tollgate/agent/bridge/Bridge.class",
                    "dev/tollgate/agent/bridge/Gate.class");
            for (String name : names) {
                try (InputStream in = file.getInputStream(file.getEntry(name));
                        InputStream original = getClass().getClassLoader().getResourceAsStream(name)) {
                    assertThat(in.readAllBytes()).as(name).isEqualTo(original.readAllBytes());
                }
            }
        } finally {
            Files.deleteIfExists(jar);
        }
    }

    @Test
    void eachCallWritesANewFile() throws IOException {
        Path a = BootstrapJar.write();
        Path b = BootstrapJar.write();
        try {
            assertThat(a).isNotEqualTo(b);
            assertThat(a.getFileName().toString()).startsWith("tollgate-bootstrap-").endsWith(".jar");
        } finally {
            Files.deleteIfExists(a);
            Files.deleteIfExists(b);
        }
    }
}
