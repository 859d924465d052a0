package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import dev.tollgate.agent.config.PinnedConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vendor's pinned config on the packaged agent: a product jar carries {@code META-INF/tollgate.yml}, and the
 * customer's own {@code tollgate.yml} (the agent argument here) can set only what it leaves to the customer.
 */
class PinnedConfigIT {

    private static final String PINNED = """
            local:
              dir: vendor-ledger
              credits:
                export: 2
            features:
              export: { mode: credits }
              render: { mode: usage, bound: 1 }
            log:
              level: warn
            """;

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    /** The product's jar: the pinned config, and its digest in the manifest when {@code sealed}. */
    private static Path productJar(Path dir, String name, String yaml, boolean sealed) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (sealed) {
            manifest.getMainAttributes().putValue(PinnedConfig.MANIFEST_ATTRIBUTE,
                    PinnedConfig.digest(yaml.getBytes(StandardCharsets.UTF_8)));
        }
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("META-INF/tollgate.yml"));
            out.write(yaml.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private static ForkedJvm.Result run(ForkedJvm.Jdk jdk, Path dir, String customerFile, List<Path> product,
            String... scenarios) {
        return ForkedJvm.run(jdk, dir, List.of(ForkedJvm.agentOption(customerFile)), product, "fixtures.Scenarios",
                scenarios);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aCustomerFileCannotRaisePinnedCreditsNorChangeAPinnedFeatureAndItsRefusedKeysAreReported(ForkedJvm.Jdk jdk,
            @TempDir Path dir) throws IOException {
        Path product = productJar(dir, "acme.jar", PINNED, true);
        Path customer = ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  credits:
                    export: 1000
                features:
                  render: { mode: usage, bound: 100 }
                """);

        ForkedJvm.Result r = run(jdk, dir, "tollgate.yml", List.of(product), "export=5", "render=3");

        assertThat(r.fields("export")).as(r.toString()).containsEntry("returned", "2").containsEntry("denied", "3");
        assertThat(r.fields("render")).as(r.toString()).containsEntry("returned", "1").containsEntry("denied", "2");
        assertThat(r.agentLines()).as(r.toString()).contains(
                "[tollgate] warning: " + customer + ":2: local.credits: set by the vendor's pinned config; ignored",
                "[tollgate] warning: " + customer + ":4: features: set by the vendor's pinned config; ignored");
        assertThat(r.agentLines()).noneMatch(l -> l.startsWith("[tollgate] error: " + customer));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aCustomerFileSetsTheLedgerFolderAndTheLogLevel(ForkedJvm.Jdk jdk, @TempDir Path dir) throws IOException {
        Path product = productJar(dir, "acme.jar", PINNED, true);
        ForkedJvm.write(dir, "tollgate.yml", "local:\n  dir: customer-ledger\nlog:\n  level: info\n");

        ForkedJvm.Result r = run(jdk, dir, "tollgate.yml", List.of(product), "export=1");

        assertThat(r.fields("export")).as(r.toString()).containsEntry("returned", "1").containsEntry("denied", "0");
        assertThat(r.agentLines()).as(r.toString()).anyMatch(l -> l.startsWith("[tollgate] metering 2 feature(s)")
                && l.contains("META-INF/tollgate.yml (pinned by the vendor), with " + dir.resolve("tollgate.yml")));
        assertThat(dir.resolve("customer-ledger")).isDirectory();
        try (Stream<Path> files = Files.list(dir.resolve("customer-ledger"))) {
            assertThat(files).isNotEmpty();
        }
        assertThat(dir.resolve("vendor-ledger")).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aProductJarWhosePinnedConfigWasEditedWithAZipToolIsDenied(ForkedJvm.Jdk jdk, @TempDir Path dir)
            throws IOException {
        Path product = productJar(dir, "acme.jar", PINNED, true);
        ForkedJvm.Result untouched = run(jdk, dir, null, List.of(product), "export=1");
        assertThat(untouched.fields("export")).as(untouched.toString()).containsEntry("returned", "1");

        try (FileSystem zip = FileSystems.newFileSystem(product)) {
            Files.write(zip.getPath("META-INF/tollgate.yml"),
                    PINNED.replace("export: 2", "export: 1000000").getBytes(StandardCharsets.UTF_8));
        }
        ForkedJvm.Result edited = run(jdk, dir, null, List.of(product), "export=1");

        assertThat(edited.fields("export")).as(edited.toString()).containsEntry("returned", "0")
                .containsEntry("denied", "1").containsEntry("reason", "MISCONFIGURED");
        assertThat(edited.agentLines()).as(edited.toString()).anyMatch(l -> l.startsWith("[tollgate] error: " + product
                + "!/META-INF/tollgate.yml: does not match the digest in the manifest attribute Tollgate-Config-Digest"
                + " of its jar (expected sha256:"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void twoPinnedConfigsOnTheClassPathAreAmbiguousAndDenied(ForkedJvm.Jdk jdk, @TempDir Path dir) throws IOException {
        Path product = productJar(dir, "acme.jar", PINNED, true);
        Path other = productJar(dir, "other.jar", PINNED.replace("export: 2", "export: 99"), false);

        ForkedJvm.Result r = run(jdk, dir, null, List.of(product, other), "export=1");

        assertThat(r.fields("export")).as(r.toString()).containsEntry("returned", "0").containsEntry("denied", "1")
                .containsEntry("reason", "MISCONFIGURED");
        assertThat(r.agentLines()).as(r.toString()).anyMatch(l -> l.startsWith("[tollgate] error: META-INF/tollgate.yml:"
                + " is on the class path 2 times (") && l.contains("which one the vendor pinned is ambiguous"));
    }
}
