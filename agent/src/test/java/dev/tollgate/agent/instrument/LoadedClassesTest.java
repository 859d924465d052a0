package dev.tollgate.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.agent.rules.RetrofitRules;
import fixtures.PluginLoader;

/**
 * What an attach does to classes loaded before it, in process: fixture classes are loaded and called
 * first, then the transformer is installed and {@link LoadedClasses} retransforms them.
 */
class LoadedClassesTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final InProcessAgent agent = new InProcessAgent().allowingTransformErrors();

    private final Instrumentation instrumentation = InProcessAgent.instrumentation();
    private final List<String> logged = agent.logged;

    /** Starts metering as an attach does, but retransforms nothing yet. */
    private void meter(String credits) {
        agent.meter("local:\n  dir: ledger\n  credits: { " + credits + " }\nfeatures:\n"
                + "  export: { mode: credits }\n  inflight: { mode: credits }\n", dir);
    }

    @Test
    void aClassLoadedAndCalledBeforeTheAttachIsMeteredFromTheRetransformationOn() throws Exception {
        FixtureLoader loader = new FixtureLoader(true);
        Class<?> paid = loader.loadClass("fixtures.Paid");
        Class<?> bodies = loader.loadClass("fixtures.Bodies");
        call(paid, null, "export");
        call(paid, null, "export");

        meter("export: 2");
        LoadedClasses.Report report = LoadedClasses.retransform(instrumentation,
                new Class<?>[] {paid, bodies, String.class, int[].class}, agent.installation(), agent.sites());

        assertThat(report.toString()).startsWith("retransformed 1 of 4 loaded classes").endsWith("; 0 failed");
        assertThat(report.failed()).isZero();
        assertThat(call(paid, null, "export")).isNull();
        assertThat(call(paid, null, "export")).isNull();
        assertThat(call(paid, null, "export")).isInstanceOf(UsageDeniedException.class)
                .hasMessage("Feature 'export' denied: 0 credits left (needs 1)");
        assertThat(bodies(loader, "export")).as("2 free calls before, 2 charged after").isEqualTo(4);
        assertThat(agent.installation().errors()).isZero();
    }

    @Test
    void aCallRunningWhileItsClassIsRetransformedIsNotChargedAndLeavesTheAccountingIntact() throws Exception {
        FixtureLoader loader = new FixtureLoader(true);
        Class<?> type = loader.loadClass("fixtures.InFlight");
        Object inFlight = type.getDeclaredConstructor().newInstance();
        AtomicReference<Object> afterHold = new AtomicReference<>();
        Thread holder = new Thread(() -> {
            try {
                Throwable thrown = call(type, inFlight, "hold"); // entered before the attach: old code
                // Same thread, after the in-flight call: charged, unless the depth was left raised.
                afterHold.set(thrown != null ? thrown : String.valueOf(call(type, inFlight, "step")));
            } catch (Exception e) {
                afterHold.set(e);
            }
        });
        holder.start();
        call(type, inFlight, "awaitEntered");

        meter("inflight: 2");
        LoadedClasses.Report report = LoadedClasses.retransform(instrumentation, new Class<?>[] {type},
                agent.installation(), agent.sites());
        assertThat(report.failed()).isZero();
        call(type, inFlight, "release"); // hold() goes on in its old code and calls step(): charged
        holder.join(60_000);

        assertThat(holder.isAlive()).isFalse();
        assertThat(afterHold.get()).as("the holder's step() after hold() returned").isEqualTo("null");
        assertThat(call(type, inFlight, "step")).as("both credits were taken by the holder")
                .isInstanceOf(UsageDeniedException.class);
        assertThat(bodies(loader, "hold")).isEqualTo(1);
        assertThat(bodies(loader, "step")).isEqualTo(2);
    }

    @Test
    void candidatesArePickedByTheTransformersOwnPrefilter() throws Exception {
        FixtureLoader loader = new FixtureLoader(true);
        FixtureLoader generated = new FixtureLoader(false);
        ClassLoader platform = ClassLoader.getPlatformClassLoader();

        assertThat(candidate(loader.loadClass("fixtures.Paid"), platform)).as("mentions @Metered").isTrue();
        assertThat(candidate(loader.loadClass("fixtures.Sub"), platform)).as("extends fixtures.Base").isTrue();
        assertThat(candidate(loader.loadClass("fixtures.Bodies"), platform))
                .as("platform supertypes only, no annotation").isFalse();
        assertThat(candidate(generated.loadClass("fixtures.Bodies"), platform))
                .as("the same class, but its bytes cannot be read as a resource of its loader").isTrue();
        assertThat(candidate(String.class, platform)).as("bootstrap").isFalse();
        assertThat(candidate(int[].class, platform)).as("array").isFalse();
        // Not an ignored name, and it extends a class of its own package: only the loader excludes it.
        Class<?> ofThePlatform = Class.forName("org.jcp.xml.dsig.internal.dom.DOMSignedInfo");
        assertThat(ofThePlatform.getClassLoader()).isSameAs(platform);
        assertThat(candidate(ofThePlatform, platform)).as("platform loader").isFalse();
        assertThat(candidate(ofThePlatform, null)).as("the same, were it not the platform loader's").isTrue();
    }

    @Test
    void aClassTheJvmRefusesToRetransformIsCountedAndTheRestOfItsBatchIsStillMetered() throws Exception {
        FixtureLoader loader = new FixtureLoader(true);
        Class<?> paid = loader.loadClass("fixtures.Paid");
        Class<?> inFlight = loader.loadClass("fixtures.InFlight");
        Instrumentation refusing = delegate(instrumentation, (method, args) -> {
            if (method.getName().equals("retransformClasses") && Arrays.asList((Class<?>[]) args[0]).contains(inFlight)) {
                throw new UnmodifiableClassException("refused for the test");
            }
            return null;
        });

        meter("export: 1, inflight: 1");
        LoadedClasses.Report report = LoadedClasses.retransform(refusing, new Class<?>[] {paid, inFlight},
                agent.installation(), agent.sites());

        assertThat(report.failed()).isEqualTo(1);
        assertThat(report.toString()).startsWith("retransformed 2 of 2 loaded classes")
                .endsWith("; 1 failed (fixtures.InFlight)");
        assertThat(logged).contains("[tollgate] warning: could not meter the already loaded class fixtures.InFlight "
                + "(java.lang.instrument.UnmodifiableClassException: refused for the test); it stays unmetered until "
                + "the JVM restarts");
        assertThat(call(paid, null, "export")).isNull();
        assertThat(call(paid, null, "export")).as("Paid, in the failed batch, was metered one by one")
                .isInstanceOf(UsageDeniedException.class);
        Object o = inFlight.getDeclaredConstructor().newInstance();
        assertThat(call(inFlight, o, "step")).isNull();
        assertThat(call(inFlight, o, "step")).as("still unmetered").isNull();
    }

    @Test
    void aJvmThatCannotRetransformIsReportedAndNothingIsTouched() throws Exception {
        FixtureLoader loader = new FixtureLoader(true);
        Class<?> paid = loader.loadClass("fixtures.Paid");
        Instrumentation unable = delegate(instrumentation, (method, args) -> {
            if (method.getName().equals("isRetransformClassesSupported")) {
                return false;
            }
            if (method.getName().equals("retransformClasses")) {
                throw new AssertionError("must not be called");
            }
            return null;
        });

        meter("export: 0");
        LoadedClasses.Report report = LoadedClasses.retransform(unable, new Class<?>[] {paid}, agent.installation(), agent.sites());

        assertThat(report.toString()).isEqualTo("this JVM cannot retransform classes: classes loaded before the "
                + "attach are not metered, classes loaded from now on are");
        assertThat(call(paid, null, "export")).as("not metered, although no credits are left").isNull();
    }

    private static boolean candidate(Class<?> c, ClassLoader platform) {
        return LoadedClasses.candidate(InProcessAgent.instrumentation(), c, platform, RetrofitRules.NONE);
    }

    /** Calls a public method reflectively; returns what it threw, unwrapped, or null. */
    private static Throwable call(Class<?> type, Object target, String method) throws Exception {
        Method m = type.getMethod(method);
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

    /** A handler that answers some calls itself ({@code null}: pass the call on to the real instrumentation). */
    private interface Answer {
        Object answer(Method method, Object[] args) throws Throwable;
    }

    private static Instrumentation delegate(Instrumentation real, Answer override) {
        return (Instrumentation) Proxy.newProxyInstance(LoadedClassesTest.class.getClassLoader(),
                new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                    Object answer = override.answer(method, args);
                    if (answer != null) {
                        return answer;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * Defines {@code fixtures.*} itself from the test class path (child first). Without resources it hides
     * their class files, like the loader of a generated class.
     */
    private static final class FixtureLoader extends PluginLoader {
        private final boolean resources;

        FixtureLoader(boolean resources) {
            super(LoadedClassesTest.class.getClassLoader(), "fixtures.");
            this.resources = resources;
        }

        @Override
        public URL getResource(String name) {
            return !resources && name.startsWith("fixtures/") ? null : super.getResource(name);
        }
    }
}
