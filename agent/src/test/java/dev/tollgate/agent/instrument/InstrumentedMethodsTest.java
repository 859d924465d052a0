package dev.tollgate.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.agent.log.Log;

/**
 * The instrumentation in process: fixture classes are loaded afresh by a child-first loader after the
 * transformer is installed, and charged on a local ledger in a temporary folder. Fast to run; the
 * forked-JVM tests prove the same on the packaged jar.
 */
class InstrumentedMethodsTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final InProcessAgent agent = new InProcessAgent();

    private final List<String> logged = agent.logged;

    @BeforeEach
    void reportEverythingAgain() {
        Log.forgetReported(); // this class and its Byte Buddy-only subclass run in one JVM
    }

    private ClassLoader meter(String yaml) {
        return agent.meter(yaml, dir);
    }

    private static String credits(String feature, int credits, String... extra) {
        return "local:\n  dir: ledger\n  credits:\n    " + feature + ": " + credits + "\nfeatures:\n  " + feature
                + ":\n    mode: credits\n" + String.join("", extra);
    }

    private static Object newInstance(ClassLoader loader, String name) throws Exception {
        return loader.loadClass(name).getDeclaredConstructor().newInstance();
    }

    /** Calls a method reflectively and returns what it threw, unwrapped, or null. */
    private static Throwable call(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        try {
            m.invoke(target);
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
    }

    private static int bodies(ClassLoader loader, String body) throws Exception {
        return (int) loader.loadClass("fixtures.Bodies").getMethod("count", String.class).invoke(null, body);
    }

    @Test
    void aMeteredMethodRunsWhileCreditsLastAndThenThrowsWithoutRunningItsBody() throws Exception {
        ClassLoader loader = meter(credits("instance", 2));
        Object paid = newInstance(loader, "fixtures.Paid");

        assertThat(call(paid, "instanceMethod")).isNull();
        assertThat(call(paid, "instanceMethod")).isNull();
        Throwable denied = call(paid, "instanceMethod");

        assertThat(denied).isInstanceOf(UsageDeniedException.class)
                .hasMessage("Feature 'instance' denied: 0 credits left (needs 1)");
        assertThat(((UsageDeniedException) denied).getReason()).isEqualTo(UsageDeniedException.Reason.CREDITS_EXHAUSTED);
        assertThat(bodies(loader, "instance")).isEqualTo(2);
        assertThat(denied.getStackTrace()[0].getClassName()).as("the trace starts at the metered method")
                .isEqualTo("fixtures.Paid");
    }

    @Test
    void awkwardShapesOfBytecodeStillRunAndAreChargedOncePerOutermostCall() throws Exception {
        ClassLoader loader = meter(credits("shapes", 9));
        Class<?> type = loader.loadClass("fixtures.Shapes");
        Object shapes = type.getDeclaredConstructor().newInstance();

        assertThat(type.getMethod("wide", long.class, double.class, int.class, Object.class, int[].class)
                .invoke(null, 1L, 2.5, 3, "x", new int[2])).isEqualTo(9L);
        assertThat(type.getMethod("loopsFromTheStart", int.class).invoke(shapes, 5)).isEqualTo(0.0);
        Method handles = type.getMethod("handlesItsOwn", String.class);
        assertThat(handles.invoke(shapes, "12")).isEqualTo("12");
        assertThat(handles.invoke(shapes, "x")).isEqualTo("nan");
        Method switches = type.getMethod("switches", int.class);
        assertThat(switches.invoke(shapes, 0)).isEqualTo(10);
        assertThat(switches.invoke(shapes, 1000)).isEqualTo(12);
        assertThat(type.getMethod("widensInALoop", int.class).invoke(shapes, 5)).isEqualTo(4L); // 0+0+1+1+2
        assertThat(call(shapes, "locked")).isNull();
        // Recursion ending in an exception: charged once, and the way out through the exception leaves the
        // feature's depth at zero, so the next call is charged again.
        Method recurse = type.getMethod("recurse", int.class);
        assertThat(catchThrowable(() -> recurse.invoke(shapes, 3))).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(bodies(loader, "recurse")).isEqualTo(4);

        assertThat(call(shapes, "locked")).as("the 10th outermost call").isInstanceOf(UsageDeniedException.class);
        assertThat(bodies(loader, "shapes")).isEqualTo(8);
        assertThat(agent.installation().wovenDirectly()).as("classes woven without Byte Buddy")
                .isEqualTo(byteBuddyOnly() ? 0 : 1);
    }

    /** Whether this run sends every class to Byte Buddy ({@link InstrumentedMethodsByteBuddyTest}). */
    static boolean byteBuddyOnly() {
        return Installer.BYTE_BUDDY_ONLY.equals(System.getProperty(Installer.INSTRUMENT_PROPERTY));
    }

    @Test
    void staticPrivateAndFinalMethodsAreMetered() throws Exception {
        ClassLoader loader = meter("""
                local:
                  credits: { static: 1, private: 1, final: 1 }
                features:
                  static: { mode: credits }
                  private: { mode: credits }
                  final: { mode: credits }
                """);
        Object paid = newInstance(loader, "fixtures.Paid");
        Method staticMethod = paid.getClass().getMethod("staticMethod");
        staticMethod.invoke(null);
        assertThat(catchThrowable(() -> staticMethod.invoke(null))).hasCauseInstanceOf(UsageDeniedException.class);
        assertThat(call(paid, "callPrivate")).isNull();
        assertThat(call(paid, "callPrivate")).isInstanceOf(UsageDeniedException.class);
        assertThat(call(paid, "finalMethod")).isNull();
        assertThat(call(paid, "finalMethod")).isInstanceOf(UsageDeniedException.class);
        assertThat(bodies(loader, "static") + bodies(loader, "private") + bodies(loader, "final")).isEqualTo(3);
    }

    @Test
    void anOverrideCallingSuperIsChargedOnceAndIsNoWayAround() throws Exception {
        ClassLoader loader = meter(credits("override", 2));
        Object sub = newInstance(loader, "fixtures.Sub");
        assertThat(call(sub, "work")).isNull();
        assertThat(call(sub, "work")).isNull();
        assertThat(call(sub, "work")).isInstanceOf(UsageDeniedException.class);
        assertThat(bodies(loader, "sub")).isEqualTo(2);
        assertThat(bodies(loader, "base")).isEqualTo(2);
    }

    @Test
    void implementationsOfMeteredInterfaceMethodsAreMeteredAlsoThroughGenerics() throws Exception {
        ClassLoader loader = meter("""
                local:
                  credits: { iface: 1, generic: 1 }
                features:
                  iface: { mode: credits }
                  generic: { mode: credits }
                """);
        Object csv = newInstance(loader, "fixtures.CsvExporter");
        Method write = csv.getClass().getMethod("write", String.class);
        assertThat(write.invoke(csv, "a")).isEqualTo("csv:a");
        assertThat(catchThrowable(() -> write.invoke(csv, "b"))).hasCauseInstanceOf(UsageDeniedException.class);

        Object sink = newInstance(loader, "fixtures.StringSink");
        Method accept = sink.getClass().getMethod("accept", String.class); // the real method, not the bridge
        accept.invoke(sink, "a");
        assertThat(catchThrowable(() -> accept.invoke(sink, "b"))).hasCauseInstanceOf(UsageDeniedException.class);
        assertThat(bodies(loader, "generic")).isEqualTo(1);
    }

    @Test
    void meteredTypesMeterPublicMethodsButNotToString() throws Exception {
        ClassLoader loader = meter(credits("typelevel", 1));
        Object toolkit = newInstance(loader, "fixtures.Toolkit");
        for (int i = 0; i < 3; i++) {
            toolkit.toString();
        }
        assertThat(call(toolkit, "sharpen")).isNull();
        assertThat(call(toolkit, "sharpen")).isInstanceOf(UsageDeniedException.class);
        assertThat(bodies(loader, "toString")).isEqualTo(3);
    }

    @Test
    void aFeatureReachedAgainOnTheSameThreadIsChargedOnceButAnotherFeatureIsCharged() throws Exception {
        ClassLoader loader = meter("""
                local:
                  credits: { nested: 1, outer: 5, other: 1 }
                features:
                  nested: { mode: credits }
                  outer: { mode: credits }
                  other: { mode: credits }
                """);
        Object nested = newInstance(loader, "fixtures.Nested");
        assertThat(call(nested, "outer")).isNull();
        assertThat(bodies(loader, "inner")).isEqualTo(1);
        assertThat(call(nested, "outerWithOther")).isNull();
        Throwable second = call(nested, "outerWithOther");
        assertThat(second).isInstanceOf(UsageDeniedException.class);
        assertThat(((UsageDeniedException) second).getFeature()).isEqualTo("other");
    }

    @Test
    void aFeatureTheConfigDoesNotNameIsDeniedAsMisconfiguredAndReported() throws Exception {
        ClassLoader loader = meter(credits("instance", 1));
        Object paid = newInstance(loader, "fixtures.Paid");
        Throwable denied = call(paid, "notConfigured");
        assertThat(denied).isInstanceOf(UsageDeniedException.class);
        assertThat(((UsageDeniedException) denied).getReason()).isEqualTo(UsageDeniedException.Reason.MISCONFIGURED);
        assertThat(bodies(loader, "ghost")).isZero();
        assertThat(logged).anyMatch(l -> l.contains("names feature 'ghost', which is not under features:"));
    }

    @Test
    void aConfiguredExceptionIsBuiltInTheHostsClassLoaderByEachConstructorShape() throws Exception {
        ClassLoader loader = meter("""
                local:
                  credits: { custom: 0 }
                features:
                  custom: { mode: credits, exception: fixtures.CopyDenial }
                """);
        Throwable copy = call(newInstance(loader, "fixtures.Paid"), "custom");
        assertThat(copy.getClass().getName()).isEqualTo("fixtures.CopyDenial");
        assertThat(copy.getClass().getClassLoader()).isSameAs(loader);
        assertThat(copy).isInstanceOf(UsageDeniedException.class)
                .hasMessage("Feature 'custom' denied: 0 credits left (needs 1)");
        assertThat(copy.getStackTrace()[0].getClassName()).isEqualTo("fixtures.Paid");
    }

    /** As the README says, per constructor shape: a copy is the denial and has no cause; the others carry it. */
    @ParameterizedTest
    @CsvSource({"fixtures.CopyDenial, false", "fixtures.OutOfCreditsException, true", "fixtures.MessageDenial, true"})
    void eachConstructorShapeCarriesTheDenialAsTheReadmeSays(String exception, boolean denialIsTheCause)
            throws Exception {
        ClassLoader loader = meter("local:\n  credits: { custom: 0 }\nfeatures:\n  custom: { mode: credits, "
                + "exception: " + exception + " }\n");
        Throwable thrown = call(newInstance(loader, "fixtures.Paid"), "custom");
        assertThat(thrown.getClass().getName()).isEqualTo(exception);
        assertThat(thrown).hasMessage("Feature 'custom' denied: 0 credits left (needs 1)");
        UsageDeniedException denial;
        if (denialIsTheCause) {
            assertThat(thrown).hasCauseInstanceOf(UsageDeniedException.class);
            denial = (UsageDeniedException) thrown.getCause();
        } else {
            assertThat(thrown).isInstanceOf(UsageDeniedException.class).hasNoCause();
            denial = (UsageDeniedException) thrown;
        }
        assertThat(denial.getReason()).isEqualTo(UsageDeniedException.Reason.CREDITS_EXHAUSTED);
    }

    @Test
    void aDenialExceptionFoundNowhereDeniesEveryCallUnchargedWithOneLineNamingTheClassAndTheConfigLine()
            throws Exception {
        ClassLoader loader = meter("""
                local:
                  dir: ledger
                  credits: { custom: 2 }
                features:
                  custom:
                    mode: credits
                    exception: com.acme.NoSuchException
                """);
        Object paid = newInstance(loader, "fixtures.Paid");
        for (int i = 0; i < 3; i++) {
            Throwable denied = call(paid, "custom");
            assertThat(denied).isExactlyInstanceOf(UsageDeniedException.class)
                    .hasMessage("Feature 'custom' denied: misconfigured: denial exception com.acme.NoSuchException: "
                            + "class com.acme.NoSuchException not found");
            assertThat(((UsageDeniedException) denied).getReason()).isEqualTo(UsageDeniedException.Reason.MISCONFIGURED);
        }
        assertThat(bodies(loader, "custom")).isZero();
        assertThat(agent.ledger().read("custom").value()).as("no call was charged").isEqualTo(2);
        assertThat(logged.stream().filter(l -> l.contains("com.acme.NoSuchException"))).singleElement()
                .satisfies(l -> assertThat(l).startsWith("[tollgate] error: tollgate.yml:7: features.custom.exception: "
                        + "com.acme.NoSuchException cannot be used: class com.acme.NoSuchException not found (as seen by "
                        + "class loader ").endsWith("); every call of 'custom' from there is denied (misconfigured) "
                        + "until this is fixed"));
    }

    @Test
    void aUsageCapDenialSaysHowMuchWasUsedOfTheCap() throws Exception {
        ClassLoader loader = meter("""
                local:
                  dir: ledger
                features:
                  usage: { mode: usage, bound: 2 }
                """);
        Object paid = newInstance(loader, "fixtures.Paid");
        assertThat(call(paid, "used")).isNull();
        assertThat(call(paid, "used")).isNull();
        Throwable denied = call(paid, "used");
        assertThat(denied).isInstanceOf(UsageDeniedException.class)
                .hasMessage("Feature 'usage' denied: usage cap reached: used 2 of 2 (needs 1)");
        assertThat(((UsageDeniedException) denied).getCap()).isEqualTo(2);
    }

    @Test
    void anExceptionWhoseConstructorFailsBecomesAMisconfiguredDenialAndIsReportedOnce() throws Exception {
        ClassLoader loader = meter("""
                local:
                  credits: { custom: 0 }
                features:
                  custom: { mode: credits, exception: fixtures.ExplodingDenial }
                """);
        Object paid = newInstance(loader, "fixtures.Paid");
        Throwable first = call(paid, "custom");
        Throwable second = call(paid, "custom");
        assertThat(first).isInstanceOf(UsageDeniedException.class);
        assertThat(((UsageDeniedException) first).getReason()).isEqualTo(UsageDeniedException.Reason.MISCONFIGURED);
        assertThat(first.getMessage()).contains("fixtures.ExplodingDenial").contains("its constructor threw");
        assertThat(second).isInstanceOf(UsageDeniedException.class);
        assertThat(logged.stream().filter(l -> l.contains("fixtures.ExplodingDenial"))).hasSize(1);
    }

    @Test
    void aNativeMethodAnnotatedMeteredIsRefusedWithAMessage() throws Exception {
        ClassLoader loader = meter(credits("refused", 1));
        newInstance(loader, "fixtures.Refusals");
        assertThat(logged).contains("[tollgate] error: @Metered on native method fixtures.Refusals#nativeMethod() is "
                + "refused: advice cannot run around a native method; put it on a Java method that calls it");
    }

    @Test
    void aCallWhoseMethodThrowsGetsItsCreditBackWhenTheFeatureRefunds() throws Exception {
        ClassLoader loader = meter(credits("refund", 1, "    refund: onException\n"));
        Object paid = newInstance(loader, "fixtures.Paid");
        for (int i = 0; i < 3; i++) {
            assertThat(call(paid, "failing")).as("the body's own exception, not a denial")
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(bodies(loader, "refund")).isEqualTo(3);
        assertThat(agent.ledger().read("refund").value()).isEqualTo(1);
    }

    @Test
    void withoutRefundsACallWhoseMethodThrowsStaysCharged() throws Exception {
        ClassLoader loader = meter(credits("refund", 1));
        Object paid = newInstance(loader, "fixtures.Paid");
        assertThat(call(paid, "failing")).isInstanceOf(IllegalStateException.class);
        assertThat(call(paid, "failing")).isInstanceOf(UsageDeniedException.class);
        assertThat(bodies(loader, "refund")).isEqualTo(1);
    }

    @Test
    void theAnnotationsCostWinsOverTheFeaturesCost() throws Exception {
        ClassLoader loader = meter(credits("costly", 5, "    cost: 1\n"));
        Object paid = newInstance(loader, "fixtures.Paid");
        assertThat(call(paid, "costly")).isNull();
        Throwable denied = call(paid, "costly");
        assertThat(denied).hasMessage("Feature 'costly' denied: 2 credits left (needs 3)");
    }

    @Test
    void theFeaturesCostAppliesWhenTheAnnotationGivesNone() throws Exception {
        ClassLoader loader = meter(credits("instance", 5, "    cost: 2\n"));
        Object paid = newInstance(loader, "fixtures.Paid");
        assertThat(call(paid, "instanceMethod")).isNull();
        assertThat(call(paid, "instanceMethod")).isNull();
        assertThat(call(paid, "instanceMethod")).hasMessage("Feature 'instance' denied: 1 credit left (needs 2)");
    }
}
