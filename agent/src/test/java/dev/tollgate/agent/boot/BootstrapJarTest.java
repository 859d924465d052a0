package dev.tollgate.agent.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar appended to the bootstrap class path: written by hand for startup speed, kept between runs. */
class BootstrapJarTest {

    @TempDir
    Path cache;

    @Test
    void theJarHoldsExactlyTheBridgeClassesByteForByte() throws IOException {
        Path jar = BootstrapJar.write(cache);
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
        }
    }

    @Test
    void laterRunsUseTheSameJarSoNothingPilesUp() throws IOException {
        Path first = BootstrapJar.write(cache);
        Path second = BootstrapJar.write(cache);

        assertThat(second).isEqualTo(first);
        assertThat(first.getParent()).isEqualTo(cache);
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).containsExactly(first);
        }
    }

    @Test
    void aCachedJarWhoseBytesChangedIsWrittenAgain() throws IOException {
        Path jar = BootstrapJar.write(cache);
        byte[] good = Files.readAllBytes(jar);
        byte[] tampered = good.clone();
        tampered[tampered.length / 2] ^= 0x55;
        Files.write(jar, tampered);

        assertThat(BootstrapJar.write(cache)).isEqualTo(jar);
        assertThat(Files.readAllBytes(jar)).isEqualTo(good);
    }

    @Test
    void withoutAUsableCacheFolderEachRunGetsItsOwnTemporaryJar() throws IOException {
        Path notAFolder = Files.writeString(cache.resolve("file"), "in the way");
        Path a = BootstrapJar.write(notAFolder);
        Path b = BootstrapJar.write(null);
        try {
            assertThat(a).isNotEqualTo(b);
            assertThat(a.getFileName().toString()).startsWith("tollgate-bootstrap-").endsWith(".jar");
            assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        } finally {
            Files.deleteIfExists(a);
            Files.deleteIfExists(b);
        }
    }
}
