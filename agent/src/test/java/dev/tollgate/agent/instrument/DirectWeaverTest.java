package dev.tollgate.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.tollgate.agent.rules.Decision;
import dev.tollgate.agent.rules.MeteredMethod;
import dev.tollgate.agent.rules.MeteringRules;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;

/**
 * {@link DirectWeaver} chooses exactly what the Byte Buddy path chooses, for every class it takes: the same
 * methods with the same feature, cost and origin, and the same refusals with the same words. Both ask
 * {@link MeteringRules}; what is compared is the two readers of the class file ({@link ClassFileShape} with
 * ASM, {@link TypeShape} with Byte Buddy). What the woven code does is tested by {@link InstrumentedMethodsTest}, which runs on
 * both paths.
 */
class DirectWeaverTest {

    private final ClassLoader loader = DirectWeaverTest.class.getClassLoader();

    @Test
    void everyFixtureTheDirectPathTakesGetsTheChoiceOfMeteredMethods() throws IOException, URISyntaxException {
        Path classes = Path.of(DirectWeaverTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> compared = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes.resolve("fixtures"))) {
            files = walk.filter(f -> f.toString().endsWith(".class")).toList();
        }
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            String internal = classes.relativize(file).toString().replace('\\', '/').replace(".class", "");
            ClassPeek.Look look = ClassPeek.look(bytes);
            boolean direct = look.mentions
                    && (look.supertypes == null || !new Ancestry().mayInherit(loader, look.supertypes));
            if (!direct) {
                continue;
            }
            assertSameChoice(internal.replace('/', '.'), bytes, ClassFileLocator.ForClassLoader.of(loader));
            compared.add(internal.replace('/', '.'));
        }
        assertThat(compared).contains("fixtures.Paid", "fixtures.Toolkit", "fixtures.Refusals", "fixtures.Shapes",
                "fixtures.Base", "fixtures.Exporter", "fixtures.Nested", "fixtures.plugin.PluginExporter");
        assertThat(compared).as("subclasses that inherit a metered method are Byte Buddy's")
                .doesNotContain("fixtures.Sub", "fixtures.CsvExporter", "fixtures.StringSink");
    }

    @Test
    void refusalsOfBytecodeJavacWouldNotWriteAreWordedAlike() {
        byte[] bytes = refusals();
        assertSameChoice("gen.Refusals", bytes, new ClassFileLocator.Compound(
                ClassFileLocator.Simple.of("gen.Refusals", bytes), ClassFileLocator.ForClassLoader.of(loader)));
        assertThat(DirectWeaver.choose(bytes).refused).containsExactly(
                "@Metered on constructor gen.Refusals#<init>(int, java.lang.String[]) is refused: a constructor body "
                        + "cannot be skipped; put it on a method",
                "@Metered on gen.Refusals#unnamed() is refused: it names no feature",
                "@Metered on gen.Refusals#negative(long) is refused: cost -2 is negative; use a cost of at least 1, "
                        + "or leave it out");
    }

    @Test
    void oldClassFilesAreLeftToByteBuddy() {
        byte[] java6 = refusals();
        java6[7] = 50;
        assertThat(DirectWeaver.choose(java6)).isNull();
    }

    @Test
    void aMethodWithNoRoomForTheTokensLocalVariableIsLeftToByteBuddy() {
        assertThat(DirectWeaver.choose(withLocals(DirectWeaver.MOST_LOCALS))).as("room for one more").isNotNull();
        assertThat(DirectWeaver.choose(withLocals(DirectWeaver.MOST_LOCALS + 1))).isNull();
    }

    /** {@code @Metered("full") static void full()} declaring {@code maxLocals} local variable slots. */
    private static byte[] withLocals(int maxLocals) {
        ClassWriter w = new ClassWriter(0);
        w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "gen/Full", null, "java/lang/Object", null);
        MethodVisitor m = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "full", "()V", null, null);
        metered(m, "full", 0);
        m.visitCode();
        m.visitInsn(Opcodes.RETURN);
        m.visitMaxs(0, maxLocals);
        m.visitEnd();
        w.visitEnd();
        return w.toByteArray();
    }

    private static void assertSameChoice(String name, byte[] bytes, ClassFileLocator locator) {
        DirectWeaver.Choice direct = DirectWeaver.choose(bytes);
        assertThat(direct).as(name).isNotNull();
        TypeDescription type = TypePool.Default.of(locator).describe(name).resolve();
        Decision reference = type.isAnnotation() ? Decision.NONE
                : MeteringRules.decide(TypeShape.of(type), List.of());
        List<String> expected = new ArrayList<>();
        for (MeteredMethod f : reference.metered()) {
            expected.add(f.method() + " " + f.feature() + " " + f.cost() + " " + f.origin());
        }
        List<String> actual = new ArrayList<>();
        for (MeteredMethod f : direct.metered) {
            actual.add(f.method() + " " + f.feature() + " " + f.cost() + " " + f.origin());
        }
        assertThat(actual).as("metered methods of " + name).isEqualTo(expected);
        assertThat(direct.refused).as("refusals in " + name).isEqualTo(reference.refused());
    }

    /** A class with {@code @Metered} where javac or the annotation would not allow it. */
    private static byte[] refusals() {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "gen/Refusals", null, "java/lang/Object", null);
        MethodVisitor init = w.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "(I[Ljava/lang/String;)V", null, null);
        metered(init, "constructor", 0);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        method(w, "unnamed", "()V", " ", 0);
        method(w, "negative", "(J)V", "negative", -2);
        method(w, "fine", "()V", "fine", 3);
        w.visitEnd();
        return w.toByteArray();
    }

    private static void method(ClassWriter w, String name, String descriptor, String feature, int cost) {
        MethodVisitor m = w.visitMethod(Opcodes.ACC_PUBLIC, name, descriptor, null, null);
        metered(m, feature, cost);
        m.visitCode();
        m.visitInsn(Opcodes.RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    private static void metered(MethodVisitor m, String feature, int cost) {
        AnnotationVisitor a = m.visitAnnotation("Ldev/tollgate/Metered;", true);
        a.visit("value", feature);
        if (cost != 0) {
            a.visit("cost", cost);
        }
        a.visitEnd();
    }
}
