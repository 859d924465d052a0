package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged agent meters classes of a real Spring Boot executable jar: Spring Boot's own launcher
 * ({@code JarLauncher} from {@code spring-boot-loader}, from Maven Central) loads the application from
 * {@code BOOT-INF/classes} and from a nested jar in {@code BOOT-INF/lib} through its own class loader.
 * The jar holds no Tollgate class at all: the annotations are compile-time only, and the
 * {@code UsageDeniedException} the application catches is the one the agent puts on the bootstrap
 * class path.
 * A library class that carries no annotation at all ({@code fixtures.retrofit.Merger}) is metered by a
 * retrofit rule in the config, from the nested jar.
 */
class SpringBootJarIT {

    static final String CONFIG = """
            local:
              dir: ledger
              credits:
                static: 2
                instance: 2
                override: 2
                iface: 2
                plugin: 2
                threads: 100
                custom: 0
                merge: 2
            features:
              static:   { mode: credits }
              instance: { mode: credits }
              override: { mode: credits }
              iface:    { mode: credits }
              plugin:   { mode: credits }
              threads:  { mode: credits }
              usage:    { mode: usage, bound: 2 }
              custom:   { mode: credits, exception: fixtures.OutOfCreditsException }
              merge:    { mode: credits }
            retrofit:
              - method: fixtures.retrofit.Merger#merge(java.util.List)
                feature: merge
            """;

    /** Fixture classes shipped as a library (a nested jar under BOOT-INF/lib); the rest are the application's. */
    static final Set<String> LIBRARY = Set.of("fixtures/Paid.class", "fixtures/Bodies.class", "fixtures/Base.class",
            "fixtures/retrofit/Merger.class");

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void classesOfABootJarAreMeteredAndTheirDenialIsCaught(ForkedJvm.Jdk jdk, @TempDir Path dir) throws IOException {
        Path app = bootJar(dir.resolve("app.jar"));
        try (JarFile jar = new JarFile(app.toFile())) {
            assertThat(jar.stream().map(ZipEntry::getName)).as("the Boot jar ships no Tollgate class")
                    .noneMatch(n -> n.startsWith("dev/tollgate/"))
                    .contains("BOOT-INF/classes/fixtures/Scenarios.class", "BOOT-INF/lib/fixtures-lib.jar");
        }
        ForkedJvm.write(dir, "tollgate.yml", CONFIG);

        ForkedJvm.Result r = ForkedJvm.java(jdk, dir, ForkedJvm.agentOption("tollgate.yml"),
                "-Xlog:class+load=info:stderr", "-jar", app.toString(),
                "static", "instance", "override", "iface", "usage", "plugin", "threads=100", "custom", "merge");

        assertThat(r.exit()).as(r.toString()).isZero();
        // Spring Boot's class loader defined the fixtures, from the application classes and the nested jar.
        // (-Xlog names them as jar:nested:/.../app.jar/!BOOT-INF/classes/!/ and .../app.jar/!BOOT-INF/lib/x.jar!/)
        assertThat(r.err().lines().filter(l -> l.contains("fixtures.")))
                .anyMatch(l -> l.matches(".*fixtures\\.Scenarios source: \\S*app\\.jar/?!/?BOOT-INF/classes/.*"))
                .anyMatch(l -> l.matches(".*fixtures\\.Paid source: \\S*app\\.jar/?!/?BOOT-INF/lib/fixtures-lib\\.jar.*"));
        for (String kind : List.of("static", "instance", "override", "iface")) {
            assertDeniedAfter(r, kind, 2, "CREDITS_EXHAUSTED");
        }
        assertDeniedAfter(r, "usage", 2, "CAP_REACHED");
        // A library method without any annotation, metered by a retrofit rule alone.
        assertDeniedAfter(r, "merge", 2, "CREDITS_EXHAUSTED");
        assertThat(r.line("plugin-inside")).isEqualTo("ran,ran,denied CREDITS_EXHAUSTED loader=null definedBy=plugin");
        assertThat(r.fields("threads")).containsEntry("calls", "800").containsEntry("returned", "100")
                .containsEntry("bodies", "100").containsEntry("denied", "700");
        // The configured exception is the application's own class, found in the Boot class loader.
        assertThat(r.line("custom")).isEqualTo("caught=fixtures.OutOfCreditsException cause=CREDITS_EXHAUSTED");
        assertThat(r.out()).contains("main finished");
        assertThat(r.agentLines()).noneMatch(l -> l.contains("could not meter"));
    }

    private static void assertDeniedAfter(ForkedJvm.Result r, String name, int allowed, String reason) {
        Map<String, String> f = r.fields(name);
        assertThat(f).as(name + " in\n" + r.out()).containsEntry("calls", "3")
                .containsEntry("returned", String.valueOf(allowed)).containsEntry("bodies", String.valueOf(allowed))
                .containsEntry("denied", "1").containsEntry("reason", reason)
                // caught as the one UsageDeniedException, from the bootstrap class path
                .containsEntry("loader", "null");
    }

    /**
     * Lays out an executable jar as Spring Boot's build plugins do: the launcher at the root, the
     * application under {@code BOOT-INF/classes}, libraries as stored (uncompressed) nested jars under
     * {@code BOOT-INF/lib}.
     */
    static Path bootJar(Path target) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
        main.putValue("Start-Class", "fixtures.Scenarios");
        main.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
        main.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");

        Path classes = ForkedJvm.fixtures();
        List<String> fixtures = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes.resolve("fixtures"))) {
            files.filter(Files::isRegularFile).forEach(f -> fixtures.add(classes.relativize(f).toString().replace('\\', '/')));
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
            Set<String> directories = new HashSet<>();
            try (JarFile loader = new JarFile(ForkedJvm.bootLoaderJar().toFile())) {
                for (Enumeration<JarEntry> e = loader.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    if (entry.getName().startsWith("org/") && !entry.isDirectory()) {
                        try (InputStream in = loader.getInputStream(entry)) {
                            put(out, directories, entry.getName(), in.readAllBytes());
                        }
                    }
                }
            }
            ByteArrayOutputStream library = new ByteArrayOutputStream();
            try (JarOutputStream lib = new JarOutputStream(library)) {
                Set<String> libraryDirectories = new HashSet<>();
                for (String name : fixtures) {
                    if (LIBRARY.contains(name)) {
                        put(lib, libraryDirectories, name, Files.readAllBytes(classes.resolve(name)));
                    }
                }
            }
            for (String name : fixtures) {
                if (!LIBRARY.contains(name)) {
                    put(out, directories, "BOOT-INF/classes/" + name, Files.readAllBytes(classes.resolve(name)));
                }
            }
            directories(out, directories, "BOOT-INF/lib/fixtures-lib.jar");
            stored(out, "BOOT-INF/lib/fixtures-lib.jar", library.toByteArray());
        }
        return target;
    }

    private static void put(JarOutputStream out, Set<String> directories, String name, byte[] bytes)
            throws IOException {
        directories(out, directories, name);
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    /** Writes an entry for each parent folder of {@code name} not written yet; Spring Boot's launcher needs them. */
    private static void directories(JarOutputStream out, Set<String> written, String name) throws IOException {
        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
            String directory = name.substring(0, slash + 1);
            if (written.add(directory)) {
                out.putNextEntry(new JarEntry(directory));
                out.closeEntry();
            }
        }
    }

    /** Spring Boot reads nested jars in place, so they must be stored, not deflated. */
    private static void stored(JarOutputStream out, String name, byte[] bytes) throws IOException {
        JarEntry entry = new JarEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        out.putNextEntry(entry);
        out.write(bytes);
        out.closeEntry();
    }
}
