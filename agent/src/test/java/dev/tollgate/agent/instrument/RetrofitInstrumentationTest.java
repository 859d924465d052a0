package dev.tollgate.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.agent.site.Site;

/**
 * Retrofit rules in process: classes that know nothing of Tollgate ({@code fixtures.retrofit.*}) are loaded
 * afresh after the transformer is installed and charged on a local ledger, as annotated ones are.
 */
class RetrofitInstrumentationTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final InProcessAgent agent = new InProcessAgent();

    private final List<String> logged = agent.logged;

    private ClassLoader meter(String yaml) {
        return agent.meter(yaml, dir);
    }

    private static Object newInstance(ClassLoader loader, String name) throws Exception {
        return loader.loadClass(name).getDeclaredConstructor().newInstance();
    }

    /** Calls a public method and returns what it threw, unwrapped, or null. */
    private static Throwable call(Object target, String method, Class<?>[] types, Object... args) throws Exception {
        Method m = target.getClass().getMethod(method, types);
        try {
            m.invoke(target, args);
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
    }

    private static Throwable call(Object target, String method) throws Exception {
        return call(target, method, new Class<?>[0]);
    }

    private static int bodies(ClassLoader loader, String body) throws Exception {
        return (int) loader.loadClass("fixtures.Bodies").getMethod("count", String.class).invoke(null, body);
    }

    private List<String> siteDescriptions() {
        return agent.sites().all().stream().map(Site::describe).toList();
    }

    @Test
    void aRuleMetersAClassThatNeverHeardOfTollgate() throws Exception {
        ClassLoader loader = meter("""
                local: { dir: ledger, credits: { merge: 2 } }
                features:
                  merge: { mode: credits }
                retrofit:
                  - method: fixtures.retrofit.Merger#merge(java.util.List)
                    feature: merge
                """);
        Object merger = newInstance(loader, "fixtures.retrofit.Merger");
        Class<?>[] list = {List.class};
        assertThat(call(merger, "merge", list, List.of("a", "b"))).isNull();
        assertThat(call(merger, "merge", list, List.of("a"))).isNull();
        Throwable denied = call(merger, "merge", list, List.of("a"));
        assertThat(denied).isInstanceOf(UsageDeniedException.class)
                .hasMessage("Feature 'merge' denied: 0 credits left (needs 1)");
        assertThat(denied.getStackTrace()[0].getClassName()).isEqualTo("fixtures.retrofit.Merger");
        assertThat(bodies(loader, "merge(List)")).isEqualTo(2);
        assertThat(call(merger, "merge", new Class<?>[] {String.class, int.class}, "x", 2)).as("another overload")
                .isNull();
        assertThat(siteDescriptions()).containsExactly("fixtures.retrofit.Merger#merge(java.util.List)");
        assertThat(agent.sites().all().get(0).origin()).isEqualTo("retrofit rule tollgate.yml:5");
        assertThat(agent.rules().unmatched()).isEmpty();
    }

    @Test
    void theRulesCostWinsOverTheFeaturesAndTheFeaturesAppliesWithoutOne() throws Exception {
        ClassLoader loader = meter("""
                local: { dir: ledger, credits: { merge: 5, other: 5 } }
                features:
                  merge: { mode: credits, cost: 1 }
                  other: { mode: credits, cost: 2 }
                retrofit:
                  - method: fixtures.retrofit.Merger#mergeAll(java.lang.String[])
                    feature: merge
                    cost: 3
                  - method: fixtures.retrofit.Merger#merge(java.lang.String, int)
                    feature: other
                """);
        Class<?> merger = loader.loadClass("fixtures.retrofit.Merger");
        Method mergeAll = merger.getMethod("mergeAll", String[].class);
        mergeAll.invoke(null, (Object) new String[] {"a"});
        Throwable denied = catchCause(() -> mergeAll.invoke(null, (Object) new String[] {"a"}));
        assertThat(denied).hasMessage("Feature 'merge' denied: 2 credits left (needs 3)");

        Object instance = merger.getDeclaredConstructor().newInstance();
        Class<?>[] stringInt = {String.class, int.class};
        assertThat(call(instance, "merge", stringInt, "a", 1)).isNull();
        assertThat(call(instance, "merge", stringInt, "a", 1)).isNull();
        assertThat(call(instance, "merge", stringInt, "a", 1))
                .hasMessage("Feature 'other' denied: 1 credit left (needs 2)");
    }

    @Test
    void aMethodReachedByAnAnnotationAndARuleIsChargedOnceByTheAnnotation() throws Exception {
        ClassLoader loader = meter("""
                local: { dir: ledger, credits: { annotated: 1, rule: 10 } }
                features:
                  annotated: { mode: credits }
                  rule: { mode: credits, sync: strict }
                retrofit:
                  - method: fixtures.retrofit.Annotated#*(..)
                    feature: rule
                """);
        Object annotated = newInstance(loader, "fixtures.retrofit.Annotated");
        assertThat(call(annotated, "export")).isNull();
        Throwable denied = call(annotated, "export");
        assertThat(denied).isInstanceOf(UsageDeniedException.class);
        assertThat(((UsageDeniedException) denied).getFeature()).isEqualTo("annotated");
        assertThat(call(annotated, "plain")).isNull();
        assertThat(agent.ledger().read("rule").value()).as("the rule's feature paid for plain() only").isEqualTo(9);
        assertThat(agent.sites().all()).extracting(Site::describe, Site::origin).containsExactly(
                org.assertj.core.groups.Tuple.tuple("fixtures.retrofit.Annotated#export()", "@Metered"),
                org.assertj.core.groups.Tuple.tuple("fixtures.retrofit.Annotated#plain()", "retrofit rule tollgate.yml:6"));
        assertThat(agent.rules().unmatched()).as("the shadowed rule did match").isEmpty();
    }

    @Test
    void aMethodReachedByTwoRulesIsChargedOnceByTheFirst() throws Exception {
        ClassLoader loader = meter("""
                local: { dir: ledger, credits: { first: 1, second: 10 } }
                features:
                  first: { mode: credits }
                  second: { mode: credits }
                retrofit:
                  - method: fixtures.retrofit.Merger#merge(java.util.List)
                    feature: first
                  - method: fixtures.retrofit.Merger#merge*(..)
                    feature: second
                """);
        Object merger = newInstance(loader, "fixtures.retrofit.Merger");
        Class<?>[] list = {List.class};
        assertThat(call(merger, "merge", list, List.of("a"))).isNull();
        Throwable denied = call(merger, "merge", list, List.of("a"));
        assertThat(((UsageDeniedException) denied).getFeature()).isEqualTo("first");
        assertThat(agent.ledger().read("second").value()).isEqualTo(10);
        assertThat(siteDescriptions()).containsOnlyOnce("fixtures.retrofit.Merger#merge(java.util.List)");
    }

    @Test
    void aPlusRuleOnAnInterfaceMetersImplementationsAlsoWhenCalledThroughTheInterface() throws Exception {
        ClassLoader loader = meter("""
                local: { dir: ledger, credits: { encode: 2 } }
                features:
                  encode: { mode: credits }
                retrofit:
                  - method: fixtures.retrofit.Codec+#encode(java.lang.String)
                    feature: encode
                """);
        Object codec = newInstance(loader, "fixtures.retrofit.UpperCodec");
        Method viaInterface = loader.loadClass("fixtures.retrofit.Codec").getMethod("encode", String.class);
        assertThat(viaInterface.invoke(codec, "a")).isEqualTo("A");
        assertThat(call(codec, "encode", new Class<?>[] {String.class}, "b")).isNull();
        assertThat(call(codec, "encode", new Class<?>[] {String.class}, "c")).isInstanceOf(UsageDeniedException.class);
        assertThat(bodies(loader, "encode")).isEqualTo(2);
        assertThat(call(codec, "helper")).as("not named by the rule").isNull();
    }

    @Test
    void aPlusRuleOnAClassMetersOverridesAndASuperCallIsChargedOnce() throws Exception {
        ClassLoader loader = meter("""
                local: { dir: ledger, credits: { render: 2 } }
                features:
                  render: { mode: credits }
                retrofit:
                  - method: fixtures.retrofit.Report+#render()
                    feature: render
                """);
        Object pdf = newInstance(loader, "fixtures.retrofit.PdfReport");
        assertThat(call(pdf, "render")).isNull();
        assertThat(call(pdf, "render")).isNull();
        assertThat(call(pdf, "render")).isInstanceOf(UsageDeniedException.class);
        assertThat(bodies(loader, "pdf")).isEqualTo(2);
        assertThat(bodies(loader, "report")).as("super.render() ran inside each paid call").isEqualTo(2);
        assertThat(siteDescriptions()).containsExactlyInAnyOrder("fixtures.retrofit.Report#render()",
                "fixtures.retrofit.PdfReport#render()");
    }

    @Test
    void aGenericBridgeGetsNoSiteOfItsOwnAndACallThroughItIsChargedOnce() throws Exception {
        ClassLoader loader = meter("""
                local: { dir: ledger, credits: { handle: 2 } }
                features:
                  handle: { mode: credits }
                retrofit:
                  - method: fixtures.retrofit.Handler+#handle(..)
                    feature: handle
                """);
        Object handler = newInstance(loader, "fixtures.retrofit.TextHandler");
        Method bridge = loader.loadClass("fixtures.retrofit.Handler").getMethod("handle", Object.class);
        bridge.invoke(handler, "a");
        bridge.invoke(handler, "b");
        assertThat(catchCause(() -> bridge.invoke(handler, "c"))).isInstanceOf(UsageDeniedException.class);
        assertThat(bodies(loader, "handle")).isEqualTo(2);
        assertThat(siteDescriptions()).containsExactly("fixtures.retrofit.TextHandler#handle(java.lang.String)");
    }

    @Test
    void rulesThatMatchedNoMethodOfTheLoadedClassesAreKnownAsUnmatched() throws Exception {
        ClassLoader loader = meter("""
                features:
                  merge: { mode: credits }
                retrofit:
                  - method: fixtures.retrofit.Merger#merge(..)
                    feature: merge
                  - method: fixtures.retrofit.NeverLoaded#run()
                    feature: merge
                  - method: fixtures.retrofit.Merger#noSuchMethod()
                    feature: merge
                """);
        newInstance(loader, "fixtures.retrofit.Merger");
        assertThat(agent.rules().unmatched()).extracting(r -> r.index()).containsExactly(1, 2);
    }

    private static Throwable catchCause(ThrowingCall call) {
        try {
            call.run();
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }
}
