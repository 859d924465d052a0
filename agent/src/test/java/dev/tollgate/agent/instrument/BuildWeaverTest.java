package dev.tollgate.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.agent.config.PinnedConfig;
import dev.tollgate.agent.site.WovenStamp;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * {@link BuildWeaver} rewrites a folder of class files in place with the agent's rules, keeps each class file's
 * version, marks what it wove so that the agent and a second weave leave it alone, and writes nothing at all
 * when one class cannot be woven (a metered method left as it is would run free). What the woven code does on
 * a real JVM is {@code WovenIT}'s.
 */
class BuildWeaverTest {

    @TempDir
    Path dir;

    @Test
    void aJava8ClassIsWovenAsJava8AndMarkedAndStillVerifies() throws Exception {
        Path classes = write("gen/Java8", java8());

        BuildWeaver.Result r = BuildWeaver.weave(classes, List.of());

        assertThat(r.problems()).isEmpty();
        assertThat(r.woven()).containsExactly("gen.Java8");
        assertThat(r.summary()).isEqualTo("wove 1 metered method(s) in 1 class(es) of " + classes + "; 0 already woven");
        byte[] woven = Files.readAllBytes(classes.resolve("gen/Java8.class"));
        assertThat(woven[7]).as("class file major version").isEqualTo((byte) Opcodes.V1_8);
        assertThat(ClassPeek.look(woven).woven).isTrue();
        // Initializing the class links it: the JVM's verifier checks every method, the woven ones included.
        Class<?> type = Class.forName("gen.Java8", true, new OneClass("gen.Java8", woven));
        Field marker = type.getDeclaredField(ClassPeek.WOVEN_MARKER);
        assertThat(Modifier.isPrivate(marker.getModifiers()) && marker.isSynthetic()).isTrue();
        marker.setAccessible(true);
        assertThat(marker.get(null)).isEqualTo("tollgate-weave/1");
    }

    @Test
    void aClassWovenBeforeIsLeftAsItIsByTheNextWeave() throws Exception {
        Path classes = write("gen/Java8", java8());
        BuildWeaver.weave(classes, List.of());
        byte[] once = Files.readAllBytes(classes.resolve("gen/Java8.class"));

        BuildWeaver.Result again = BuildWeaver.weave(classes, List.of());

        assertThat(again.problems()).isEmpty();
        assertThat(again.summary()).endsWith("wove 0 metered method(s) in 0 class(es) of " + classes + "; 1 already woven");
        assertThat(Files.readAllBytes(classes.resolve("gen/Java8.class"))).isEqualTo(once);
    }

    @Test
    void aClassThatOnlySpellsTheMarkerInAStringIsNotTakenForWoven() {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        w.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, "gen/Spells", null, "java/lang/Object", null);
        w.visitField(Opcodes.ACC_STATIC, "other", "I", null, null).visitEnd();
        MethodVisitor m = w.visitMethod(Opcodes.ACC_STATIC, "export", "()Ljava/lang/Object;", null, null);
        metered(m, "export");
        m.visitCode();
        m.visitLdcInsn(ClassPeek.WOVEN_MARKER);
        m.visitInsn(Opcodes.ARETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        w.visitEnd();

        ClassPeek.Look look = ClassPeek.look(w.toByteArray());

        assertThat(look.woven).isFalse();
        assertThat(look.mentions).isTrue();
    }

    @Test
    void anOverrideOfAMeteredMethodOfASupertypeOnTheClassPathIsWoven() throws Exception {
        Path fixtures = Path.of(BuildWeaverTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path classes = write("fixtures/Sub", Files.readAllBytes(fixtures.resolve("fixtures/Sub.class")));

        BuildWeaver.Result r = BuildWeaver.weave(classes, List.of(fixtures));

        assertThat(r.problems()).isEmpty();
        assertThat(r.woven()).containsExactly("fixtures.Sub");
    }

    @Test
    void anInterfaceWithAMeteredDefaultMethodIsAProblemAndNothingIsWritten() throws IOException {
        Path classes = write("gen/Java8", java8());
        byte[] iface = iface();
        write("gen/Defaults", iface);

        BuildWeaver.Result r = BuildWeaver.weave(classes, List.of());

        assertThat(r.problems()).containsExactly("gen.Defaults: an interface's methods cannot be woven at build time"
                + " ([gen.Defaults#export() -> export (@Metered)]); put @Metered on the implementations");
        assertThat(r.woven()).isEmpty();
        assertThat(Files.readAllBytes(classes.resolve("gen/Java8.class"))).as("not written").isEqualTo(java8());
        assertThat(Files.readAllBytes(classes.resolve("gen/Defaults.class"))).isEqualTo(iface);
    }

    @Test
    void aClassFileOlderThanJava7IsAProblemNamingTheVersion() throws IOException {
        byte[] java6 = java8();
        java6[7] = 50;
        Path classes = write("gen/Java8", java6);

        BuildWeaver.Result r = BuildWeaver.weave(classes, List.of());

        assertThat(r.problems()).containsExactly("gen.Java8: class file version 50 is older than Java 7 (51), which"
                + " build-time weaving needs; compile with --release 7 or later");
        assertThat(Files.readAllBytes(classes.resolve("gen/Java8.class"))).isEqualTo(java6);
    }

    @Test
    void aFolderThatDoesNotExistIsAProblem() {
        Path missing = dir.resolve("nothing-here");

        BuildWeaver.Result r = BuildWeaver.weave(missing, List.of());

        assertThat(r.problems()).containsExactly(missing + " is not a folder of class files");
    }

    @Test
    void stampEntriesAreWrittenIntoTheMarkerForTheRuntimeToCheck() throws Exception {
        Path classes = write("gen/Java8", java8());

        BuildWeaver.weave(classes, List.of(), Map.of("config-sha256", "abc"));

        byte[] woven = Files.readAllBytes(classes.resolve("gen/Java8.class"));
        Field marker = Class.forName("gen.Java8", false, new OneClass("gen.Java8", woven))
                .getDeclaredField(ClassPeek.WOVEN_MARKER);
        marker.setAccessible(true);
        assertThat(marker.get(null)).isEqualTo("tollgate-weave/1;config-sha256=abc");
    }

    @Test
    void thePinnedConfigAndGrantKeyInTheFolderAreRecordedByTheirDigestsInTheStamp() throws Exception {
        Path classes = write("gen/Java8", java8());
        byte[] config = "backend: local\n".getBytes(StandardCharsets.UTF_8);
        byte[] key = "-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n".getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(classes.resolve("META-INF/tollgate"));
        Files.write(classes.resolve("META-INF/tollgate.yml"), config);
        Files.write(classes.resolve("META-INF/tollgate/grant-key.pub"), key);

        BuildWeaver.Result r = BuildWeaver.weave(classes, List.of());

        assertThat(r.problems()).isEmpty();
        assertThat(stamp(classes)).isEqualTo("tollgate-weave/1;config-sha256=" + PinnedConfig.digest(config)
                + ";grant-key-sha256=" + PinnedConfig.digest(key));
        assertThat(WovenStamp.read(stamp(classes)).problem()).isNull();
    }

    @Test
    void aClassWovenBeforeWithAnotherPinnedConfigIsAProblemAskingForARebuild() throws Exception {
        Path classes = write("gen/Java8", java8());
        Files.createDirectories(classes.resolve("META-INF"));
        Files.write(classes.resolve("META-INF/tollgate.yml"), "backend: local\n".getBytes(StandardCharsets.UTF_8));
        BuildWeaver.weave(classes, List.of());
        Files.write(classes.resolve("META-INF/tollgate.yml"), "backend: cryptolens\n".getBytes(StandardCharsets.UTF_8));

        BuildWeaver.Result again = BuildWeaver.weave(classes, List.of());

        assertThat(again.problems()).hasSize(1);
        assertThat(again.problems().get(0)).startsWith("gen.Java8: was woven before with another stamp (the pinned "
                + "config or grant key changed since, now tollgate-weave/1;config-sha256=sha256:")
                .endsWith("); rebuild its class files (mvn clean)");
    }

    private static String stamp(Path classes) throws Exception {
        byte[] woven = Files.readAllBytes(classes.resolve("gen/Java8.class"));
        Field marker = Class.forName("gen.Java8", false, new OneClass("gen.Java8", woven))
                .getDeclaredField(ClassPeek.WOVEN_MARKER);
        marker.setAccessible(true);
        return (String) marker.get(null);
    }

    @Test
    void theRuntimeEntryPointsThatWovenClassesCallArePublicWithTheDescriptorsTheWeaverWrites() throws Exception {
        // Woven products are built against one agent version and may run with a later one: these are its ABI.
        java.lang.reflect.Method sites = dev.tollgate.agent.boot.SelfStart.class.getMethod("sites", Class.class,
                String.class, String.class);
        java.lang.reflect.Method enter = dev.tollgate.agent.bridge.Bridge.class.getMethod("enter", int.class,
                Class.class);
        java.lang.reflect.Method exit = dev.tollgate.agent.bridge.Bridge.class.getMethod("exit", int.class,
                Object.class, Throwable.class);

        assertThat(net.bytebuddy.jar.asm.Type.getMethodDescriptor(sites))
                .isEqualTo("(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/String;)[I");
        assertThat(net.bytebuddy.jar.asm.Type.getMethodDescriptor(enter)).isEqualTo(DirectWeaver.ENTER);
        assertThat(net.bytebuddy.jar.asm.Type.getMethodDescriptor(exit)).isEqualTo(DirectWeaver.EXIT);
        for (java.lang.reflect.Method m : List.of(sites, enter, exit)) {
            assertThat(Modifier.isStatic(m.getModifiers())).as(m.toString()).isTrue();
        }
    }

    private Path write(String internalName, byte[] bytes) throws IOException {
        Path classes = dir.resolve("classes");
        Path file = classes.resolve(internalName + ".class");
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return classes;
    }

    /** {@code class Java8 { @Metered("export") static int export(long a, String b) { return 1; } }}, as Java 8. */
    private static byte[] java8() {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES);
        w.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, "gen/Java8", null, "java/lang/Object", null);
        MethodVisitor m = w.visitMethod(Opcodes.ACC_STATIC, "export", "(JLjava/lang/String;)I", null, null);
        metered(m, "export");
        m.visitCode();
        m.visitInsn(Opcodes.ICONST_1);
        m.visitInsn(Opcodes.IRETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        w.visitEnd();
        return w.toByteArray();
    }

    /** {@code interface Defaults { @Metered("export") default void export() { } }}. */
    private static byte[] iface() {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        w.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT, "gen/Defaults", null,
                "java/lang/Object", null);
        MethodVisitor m = w.visitMethod(Opcodes.ACC_PUBLIC, "export", "()V", null, null);
        metered(m, "export");
        m.visitCode();
        m.visitInsn(Opcodes.RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        w.visitEnd();
        return w.toByteArray();
    }

    private static void metered(MethodVisitor m, String feature) {
        AnnotationVisitor a = m.visitAnnotation("Ldev/tollgate/Metered;", true);
        a.visit("value", feature);
        a.visitEnd();
    }

    /** Defines one class from bytes; everything else comes from the test's class loader. */
    private static final class OneClass extends ClassLoader {
        private final String name;
        private final byte[] bytes;

        OneClass(String name, byte[] bytes) {
            super(BuildWeaverTest.class.getClassLoader());
            this.name = name;
            this.bytes = bytes;
        }

        @Override
        protected Class<?> findClass(String n) throws ClassNotFoundException {
            if (n.equals(name)) {
                return defineClass(n, bytes, 0, bytes.length);
            }
            throw new ClassNotFoundException(n);
        }
    }
}
