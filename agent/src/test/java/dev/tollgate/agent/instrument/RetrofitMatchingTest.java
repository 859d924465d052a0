package dev.tollgate.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.ConfigLoader;
import dev.tollgate.agent.config.Rule;
import dev.tollgate.agent.rules.ClassShape;
import dev.tollgate.agent.rules.Decision;
import dev.tollgate.agent.rules.MeteredMethod;
import dev.tollgate.agent.rules.MeteringRules;
import dev.tollgate.agent.rules.RetrofitRules;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Which methods retrofit rules match, from class files only (nothing is loaded): each wildcard form,
 * parameters, '+' on classes and interfaces, bridges, and one site per method when an annotation and
 * rules, or several rules, reach it.
 */
class RetrofitMatchingTest {

    private static final TypePool POOL = TypePool.Default.of(RetrofitMatchingTest.class.getClassLoader());
    private static final String FEATURES = "features:\n  merge: { mode: credits }\n  other: { mode: credits }\n";

    /** Rules from {@code - method: ...} lines, each charging 'merge'. */
    private static List<Rule> rules(String... methods) {
        StringBuilder yaml = new StringBuilder(FEATURES).append("retrofit:\n");
        for (String m : methods) {
            yaml.append("  - method: \"").append(m).append("\"\n    feature: merge\n");
        }
        return config(yaml.toString()).rules();
    }

    private static Config config(String yaml) {
        Config config = new ConfigLoader(Map.of(), "/home").parse(yaml, "test.yml", Path.of("."));
        assertThat(config.problems()).isEmpty();
        return config;
    }

    private static ClassShape shape(String className) {
        return TypeShape.of(POOL.describe(className).resolve());
    }

    private static Decision find(String className, List<Rule> rules) {
        return MeteringRules.decide(shape(className), rules);
    }

    /** The signatures of the methods found, in declaration order. */
    private static List<String> metered(String className, String... rules) {
        return find(className, rules(rules)).metered().stream().map(MeteredMethod::method).toList();
    }

    // ---- names and parameters ----

    @Test
    void aPlainRuleMatchesTheMethodsOfThatNameTheClassDeclaresWithAnyParameters() {
        List<Rule> rules = rules("fixtures.retrofit.Merger#merge(..)");
        Decision r = find("fixtures.retrofit.Merger", rules);
        assertThat(r.metered()).extracting(MeteredMethod::method)
                .containsExactly("merge(java.util.List)", "merge(java.lang.String, int)");
        assertThat(r.metered()).allSatisfy(f -> {
            assertThat(f.feature()).isEqualTo("merge");
            assertThat(f.cost()).as("no cost in the rule").isZero();
            assertThat(f.origin()).isEqualTo("retrofit rule test.yml:5");
            assertThat(f.rule()).isSameAs(rules.get(0));
            assertThat(f.shadowed()).isEmpty();
        });
        assertThat(r.refused()).isEmpty();
    }

    @Test
    void explicitParametersSelectOneOverloadIncludingPrimitivesArraysAndNestedClasses() {
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#merge(java.util.List)"))
                .containsExactly("merge(java.util.List)");
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#merge(java.lang.String, int)"))
                .containsExactly("merge(java.lang.String, int)");
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#merge(java.lang.String, long)"))
                .isEmpty();
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#mergeAll(java.lang.String[])"))
                .as("a static method with an array").containsExactly("mergeAll(java.lang.String[])");
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#mergeBytes(byte[][], long)"))
                .containsExactly("mergeBytes(byte[][], long)");
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#mergeBytes(byte[], long)")).isEmpty();
        assertThat(metered("fixtures.retrofit.Merger",
                "fixtures.retrofit.Merger#mergeNested(fixtures.retrofit.Merger$Part)"))
                .containsExactly("mergeNested(fixtures.retrofit.Merger$Part)");
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#merge*(java.lang.String, ..)"))
                .containsExactly("merge(java.lang.String, int)");
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#merge()")).isEmpty();
    }

    @Test
    void aWildcardMethodNameReachesPublicMethodsOnlyAndNeverToStringOrSyntheticOnes() {
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#merge*(..)")).containsExactly(
                "merge(java.util.List)", "merge(java.lang.String, int)", "mergeAll(java.lang.String[])",
                "mergeBytes(byte[][], long)", "mergeNested(fixtures.retrofit.Merger$Part)", "mergeLater()");
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#*(..)")).containsExactly(
                "merge(java.util.List)", "merge(java.lang.String, int)", "mergeAll(java.lang.String[])",
                "mergeBytes(byte[][], long)", "mergeNested(fixtures.retrofit.Merger$Part)", "callPrivate()",
                "mergeLater()");
    }

    @Test
    void aMethodNamedInFullIsMatchedWhateverItsVisibilityAlsoToString() {
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#mergePrivate()"))
                .containsExactly("mergePrivate()");
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#mergePackagePrivate()"))
                .containsExactly("mergePackagePrivate()");
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.retrofit.Merger#toString()"))
                .containsExactly("toString()");
    }

    @Test
    void aNativeMethodNamedByARuleIsRefusedWithAMessage() {
        Decision r = find("fixtures.retrofit.Merger", rules("fixtures.retrofit.Merger#mergeNative()"));
        assertThat(r.metered()).isEmpty();
        assertThat(r.refused()).containsExactly("retrofit rule test.yml:5 on native method "
                + "fixtures.retrofit.Merger#mergeNative() is refused: advice cannot run around a native method; meter a "
                + "Java method that calls it");
    }

    @Test
    void classWildcardsReachNestedClassesOfThePackageButNotSubPackages() {
        assertThat(metered("fixtures.retrofit.Merger$Part", "fixtures.retrofit.Merger$Part#mergeInto(..)"))
                .containsExactly("mergeInto(fixtures.retrofit.Merger)");
        assertThat(metered("fixtures.retrofit.Merger$Part", "fixtures.retrofit.*#mergeInto(..)"))
                .containsExactly("mergeInto(fixtures.retrofit.Merger)");
        assertThat(metered("fixtures.retrofit.Merger$Part", "fixtures.retrofit.Merger$*#merge*(..)"))
                .containsExactly("mergeInto(fixtures.retrofit.Merger)");
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.*#merge(..)")).as("not in a sub-package").isEmpty();
        assertThat(metered("fixtures.retrofit.Merger", "fixtures.*.Mer*#merge(..)")).hasSize(2);
    }

    @Test
    void aRuleForAnotherClassMatchesNothing() {
        assertThat(find("fixtures.retrofit.UpperCodec", rules("fixtures.retrofit.Merger#merge(..)")))
                .isSameAs(Decision.NONE);
    }

    // ---- '+' ----

    @Test
    void withoutPlusARuleOnAnInterfaceDoesNotReachItsImplementations() {
        assertThat(metered("fixtures.retrofit.UpperCodec", "fixtures.retrofit.Codec#encode(..)")).isEmpty();
    }

    @Test
    void plusOnAnInterfaceReachesImplementationsAndTheInterfacesDefaultMethods() {
        assertThat(metered("fixtures.retrofit.UpperCodec", "fixtures.retrofit.Codec+#encode(java.lang.String)"))
                .containsExactly("encode(java.lang.String)");
        assertThat(metered("fixtures.retrofit.UpperCodec", "fixtures.retrofit.Codec+#*(..)"))
                .as("the subtype's own public methods too").containsExactly("encode(java.lang.String)", "helper()");
        assertThat(metered("fixtures.retrofit.Codec", "fixtures.retrofit.Codec+#*(..)"))
                .as("abstract methods are metered in their implementations").containsExactly("name()");
    }

    @Test
    void plusOnAClassReachesItselfAndOverridesInSubclasses() {
        assertThat(metered("fixtures.retrofit.Report", "fixtures.retrofit.Report+#render()")).containsExactly("render()");
        assertThat(metered("fixtures.retrofit.PdfReport", "fixtures.retrofit.Report+#render()"))
                .containsExactly("render()");
        assertThat(metered("fixtures.retrofit.PdfReport", "fixtures.retrofit.Report#render()"))
                .as("without '+'").isEmpty();
        assertThat(metered("fixtures.retrofit.PdfReport", "fixtures.retrofit.Rep*+#render()"))
                .as("'+' after a wildcard class").containsExactly("render()");
    }

    @Test
    void aGenericBridgeIsNotMeteredBesideTheRealMethod() {
        assertThat(metered("fixtures.retrofit.TextHandler", "fixtures.retrofit.Handler+#handle(..)"))
                .containsExactly("handle(java.lang.String)");
        assertThat(metered("fixtures.retrofit.TextHandler", "fixtures.retrofit.TextHandler#handle(java.lang.Object)"))
                .as("only the bridge has this signature").isEmpty();
    }

    @Test
    void supertypesAreFoundFromClassFilesWithoutThePlatform() {
        assertThat(MeteringRules.supertypeNames(shape("fixtures.retrofit.PdfReport")))
                .containsExactly("fixtures.retrofit.Report");
        assertThat(MeteringRules.supertypeNames(shape("fixtures.retrofit.UpperCodec")))
                .containsExactly("fixtures.retrofit.Codec");
        assertThat(MeteringRules.supertypeNames(shape("fixtures.retrofit.Merger"))).isEmpty();
    }

    @Test
    void aSupertypeWhoseClassFileIsMissingIsStillKnownByNameAndNothingThrows() throws IOException {
        byte[] pdf;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("fixtures/retrofit/PdfReport.class")) {
            pdf = in.readAllBytes();
        }
        TypePool pool = TypePool.Default.WithLazyResolution.of(new ClassFileLocator.Compound(
                ClassFileLocator.Simple.of("fixtures.retrofit.PdfReport", pdf), ClassFileLocator.ForClassLoader.ofBootLoader()));
        TypeDescription type = pool.describe("fixtures.retrofit.PdfReport").resolve();
        Set<String> missing = new HashSet<>();
        assertThat(MeteringRules.supertypeNames(TypeShape.of(type), missing)).containsExactly("fixtures.retrofit.Report");
        assertThat(missing).containsExactly("fixtures.retrofit.Report");
        assertThat(MeteringRules.supertypeNames(TypeShape.of(type))).as("asked again, from the pool's cache")
                .containsExactly("fixtures.retrofit.Report");
        assertThat(MeteringRules.decide(TypeShape.of(type), rules("fixtures.retrofit.Report+#render()")).metered())
                .extracting(MeteredMethod::method).containsExactly("render()");
        assertThat(MeteringRules.decide(TypeShape.of(type), rules("fixtures.retrofit.PdfReport#title()")).metered())
                .extracting(MeteredMethod::method).containsExactly("title()");
    }

    // ---- one site per method ----

    @Test
    void anAnnotationWinsOverARuleAndTheRuleIsKeptAsShadowed() {
        List<Rule> rules = rules("fixtures.retrofit.Annotated#*(..)");
        Decision r = find("fixtures.retrofit.Annotated", rules);
        assertThat(r.metered()).hasSize(2);
        MeteredMethod export = r.metered().get(0);
        assertThat(export.method()).isEqualTo("export()");
        assertThat(export.feature()).isEqualTo("annotated");
        assertThat(export.origin()).isEqualTo("@Metered");
        assertThat(export.rule()).isNull();
        assertThat(export.shadowed()).containsExactly(rules.get(0));
        MeteredMethod plain = r.metered().get(1);
        assertThat(plain.feature()).isEqualTo("merge");
        assertThat(plain.rule()).isSameAs(rules.get(0));
    }

    @Test
    void theFirstRuleWinsAndItsCostApplies() {
        List<Rule> rules = config(FEATURES + """
                retrofit:
                  - method: fixtures.retrofit.Merger#merge(java.util.List)
                    feature: other
                    cost: 4
                  - method: fixtures.retrofit.Merger#merge(..)
                    feature: merge
                  - method: fixtures.retrofit.Merger#*(..)
                    feature: merge
                """).rules();
        Decision r = find("fixtures.retrofit.Merger", rules);
        MeteredMethod list = r.metered().get(0);
        assertThat(list.method()).isEqualTo("merge(java.util.List)");
        assertThat(list.feature()).isEqualTo("other");
        assertThat(list.cost()).isEqualTo(4);
        assertThat(list.rule()).isSameAs(rules.get(0));
        assertThat(list.shadowed()).containsExactly(rules.get(1), rules.get(2));
        assertThat(r.metered()).extracting(MeteredMethod::method).doesNotHaveDuplicates();
        assertThat(r.metered().get(1).rule()).isSameAs(rules.get(1));
    }

    // ---- the pre-filter and the record of matches ----

    @Test
    void retrofitRulesLetThroughTheClassesTheyNameAndRecordWhichMatched() {
        List<Rule> rules = rules("fixtures.retrofit.Merger#merge(..)", "fixtures.retrofit.Codec+#encode(..)",
                "fixtures.retrofit.Gone#never()");
        RetrofitRules tracked = new RetrofitRules(rules);
        assertThat(tracked.mayMatch("fixtures/retrofit/Merger")).isTrue();
        assertThat(tracked.mayMatch("fixtures/retrofit/Codec")).as("the '+' type itself").isTrue();
        assertThat(tracked.mayMatch("fixtures/retrofit/UpperCodec")).as("subtypes pass by ClassPeek").isFalse();
        assertThat(tracked.mayMatch("fixtures/retrofit/Report")).isFalse();
        assertThat(RetrofitRules.NONE.mayMatch("fixtures/retrofit/Merger")).isFalse();

        assertThat(tracked.unmatched()).isEqualTo(rules);
        for (MeteredMethod f : find("fixtures.retrofit.UpperCodec", rules).metered()) {
            tracked.matched(f);
        }
        assertThat(tracked.unmatched()).containsExactly(rules.get(0), rules.get(2));
    }

    @Test
    void aClassWhoseOnlyApplicationSupertypeIsTheInterfaceOfAPlusRuleGetsPastThePeek() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("fixtures/retrofit/UpperCodec.class")) {
            assertThat(ClassPeek.worthALook(in.readAllBytes())).isTrue();
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("fixtures/retrofit/Merger.class")) {
            assertThat(ClassPeek.worthALook(in.readAllBytes())).as("only the rule's name check lets it through")
                    .isFalse();
        }
    }
}
