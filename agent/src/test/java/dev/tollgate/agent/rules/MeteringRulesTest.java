package dev.tollgate.agent.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * The decision on classes described by hand: no class file, no bytecode library, no agent. What a
 * build-time weaver can rely on; the readers of real class files are tested in {@code instrument}.
 */
class MeteringRulesTest {

    @Test
    void aClassDescribedByHandIsDecidedWithoutABytecodeLibraryOrAnAgent() {
        Shape reports = new Shape("com.acme.Reports").annotated("reports", 0)
                .method(new Method("export", Modifier.PUBLIC, "java.lang.String").annotated("export", 2))
                .method(new Method("render", Modifier.PUBLIC))
                .method(new Method("helper", Modifier.PRIVATE))
                .method(new Method("toString", Modifier.PUBLIC));

        Decision d = MeteringRules.decide(reports, List.of());

        assertThat(d.refused()).isEmpty();
        assertThat(d.metered()).extracting(MeteredMethod::toString).containsExactly(
                "com.acme.Reports#export(java.lang.String) -> export x2 (@Metered)",
                "com.acme.Reports#render() -> reports (@Metered on com.acme.Reports)");
        MeteredMethod render = d.metered().get(1);
        assertThat(render.costGiven()).as("the feature's cost applies").isFalse();
        assertThat(render.cost()).isEqualTo(MeteredMethod.COST_NOT_GIVEN);
        assertThat(render.name() + render.descriptor()).isEqualTo("render()V");
        assertThat(d.metered().get(0).descriptor()).isEqualTo("(Ljava/lang/String;)V");
        assertThat(render.rule()).isNull();
        assertThat(render.alsoMatchedBy()).isEmpty();
    }

    @Test
    void anOverrideInheritsTheNearestAnnotationButAPackagePrivateOneOnlyInItsPackage() {
        Shape base = new Shape("com.acme.Base")
                .method(new Method("run", Modifier.PUBLIC).annotated("run", 0))
                .method(new Method("tick", 0).annotated("tick", 0));
        Shape sub = new Shape("com.acme.Sub").extending(base)
                .method(new Method("run", Modifier.PUBLIC))
                .method(new Method("tick", 0));
        Shape elsewhere = new Shape("org.other.Far").extending(sub)
                .method(new Method("run", Modifier.PUBLIC))
                .method(new Method("tick", 0));

        assertThat(MeteringRules.decide(sub, List.of()).metered()).extracting(MeteredMethod::toString).containsExactly(
                "com.acme.Sub#run() -> run (@Metered on com.acme.Base#run)",
                "com.acme.Sub#tick() -> tick (@Metered on com.acme.Base#tick)");
        assertThat(MeteringRules.decide(elsewhere, List.of()).metered()).extracting(MeteredMethod::method)
                .as("a package-private method of another package is not overridden").containsExactly("run()");
    }

    @Test
    void aSupertypeWithoutAClassFileIsNamedAndReportedMissing() {
        Shape gone = new Shape("com.acme.Gone").missing();
        Shape sub = new Shape("com.acme.Sub").extending(gone).implementing(new Shape("java.io.Serializable"))
                .method(new Method("run", Modifier.PUBLIC));
        Set<String> missing = new TreeSet<>();

        assertThat(MeteringRules.supertypeNames(sub, missing)).as("the platform is not walked")
                .containsExactly("com.acme.Gone");
        assertThat(missing).containsExactly("com.acme.Gone");
        assertThat(MeteringRules.decide(sub, List.of())).as("nothing to inherit from what cannot be read")
                .isSameAs(Decision.NONE);
    }

    @Test
    void constructorsNativeMethodsAndAnnotationsWithoutFeatureOrWithANegativeCostAreRefusedWithAMessage() {
        Shape odd = new Shape("com.acme.Odd")
                .method(new Method("<init>", Modifier.PUBLIC, "int").annotated("make", 0))
                .method(new Method("call", Modifier.PUBLIC | Modifier.NATIVE).annotated("call", 0))
                .method(new Method("blank", Modifier.PUBLIC).annotated(" ", 0))
                .method(new Method("negative", Modifier.PUBLIC, "long").annotated("negative", -2));

        Decision d = MeteringRules.decide(odd, List.of());

        assertThat(d.metered()).isEmpty();
        assertThat(d.refused()).containsExactly(
                "@Metered on constructor com.acme.Odd#<init>(int) is refused: a constructor body cannot be skipped; "
                        + "put it on a method",
                "@Metered on native method com.acme.Odd#call() is refused: advice cannot run around a native method; "
                        + "put it on a Java method that calls it",
                "@Metered on com.acme.Odd#blank() is refused: it names no feature",
                "@Metered on com.acme.Odd#negative(long) is refused: cost -2 is negative; use a cost of at least 1, "
                        + "or leave it out");
    }

    @Test
    void bridgesSyntheticAndAbstractMethodsAreNeverMetered() {
        Shape shapes = new Shape("com.acme.Shapes").annotated("shapes", 0)
                .method(new Method("bridge", Modifier.PUBLIC | MethodShape.BRIDGE).annotated("bridge", 0))
                .method(new Method("synthetic", Modifier.PUBLIC | MethodShape.SYNTHETIC))
                .method(new Method("abstracted", Modifier.PUBLIC | Modifier.ABSTRACT).annotated("abstracted", 0));

        assertThat(MeteringRules.decide(shapes, List.of())).isSameAs(Decision.NONE);
    }

    /** A class described by hand. */
    private static final class Shape implements ClassShape {
        private final String name;
        private final List<Method> methods = new ArrayList<>();
        private final List<Shape> interfaces = new ArrayList<>();
        private Shape superClass;
        private Values metered;
        private boolean missing;

        Shape(String name) {
            this.name = name;
        }

        Shape annotated(String feature, int cost) {
            metered = new Values(feature, cost);
            return this;
        }

        Shape method(Method m) {
            methods.add(m);
            return this;
        }

        Shape extending(Shape s) {
            superClass = s;
            return this;
        }

        Shape implementing(Shape s) {
            interfaces.add(s);
            return this;
        }

        Shape missing() {
            missing = true;
            return this;
        }

        private void read() {
            if (missing) {
                throw new ClassShape.Missing(name, null);
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String packageName() {
            return name.substring(0, name.lastIndexOf('.'));
        }

        @Override
        public boolean isAnnotation() {
            read();
            return false;
        }

        @Override
        public MeteredAnnotation metered() {
            read();
            return metered;
        }

        @Override
        public List<? extends MethodShape> methods() {
            read();
            return methods;
        }

        @Override
        public ClassShape superClass() {
            read();
            return superClass;
        }

        @Override
        public List<? extends ClassShape> interfaces() {
            read();
            return interfaces;
        }
    }

    /** A method described by hand; returns {@code void}. */
    private static final class Method implements MethodShape {
        private final String name;
        private final int modifiers;
        private final List<String> parameters;
        private Values metered;

        Method(String name, int modifiers, String... parameters) {
            this.name = name;
            this.modifiers = modifiers;
            this.parameters = Arrays.asList(parameters);
        }

        Method annotated(String feature, int cost) {
            metered = new Values(feature, cost);
            return this;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String descriptor() {
            StringBuilder d = new StringBuilder("(");
            for (String p : parameters) {
                d.append(switch (p) {
                    case "int" -> "I";
                    case "long" -> "J";
                    default -> "L" + p.replace('.', '/') + ";";
                });
            }
            return d.append(")V").toString();
        }

        @Override
        public int modifiers() {
            return modifiers;
        }

        @Override
        public List<String> parameterTypes() {
            return parameters;
        }

        @Override
        public MeteredAnnotation metered() {
            return metered;
        }
    }

    private record Values(String feature, int cost) implements MeteredAnnotation {
    }
}
