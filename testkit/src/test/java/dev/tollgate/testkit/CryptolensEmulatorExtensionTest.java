package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs small fixture test classes through the Jupiter engine and looks at what the extension did. */
class CryptolensEmulatorExtensionTest {
    /** Emulators the fixtures saw, in order. */
    static final List<CryptolensEmulator> SEEN = new CopyOnWriteArrayList<>();

    private static Events run(Class<?> fixture) {
        SEEN.clear();
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().allEvents();
    }

    private static void assertClosed(CryptolensEmulator emulator) {
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), emulator.port()).close())
                .as("%s refuses connections once closed", emulator)
                .isInstanceOf(ConnectException.class);
    }

    static class PerClass {
        @RegisterExtension
        static final CryptolensEmulatorExtension CRYPTOLENS = new CryptolensEmulatorExtension()
                .setup(emulator -> {
                    emulator.product(3941).key("K").dataObject("credits", 10);
                    emulator.token("T", Permission.allData()).keyLock(-1);
                });

        @BeforeAll
        static void beforeAll(CryptolensEmulator emulator) {
            SEEN.add(emulator);
        }

        PerClass(CryptolensEmulator emulator) {
            SEEN.add(emulator);
        }

        @Test
        void first(CryptolensEmulator emulator) throws IOException {
            SEEN.add(emulator);
            new Client(emulator.url()).post("/api/data/DecrementIntValueToKey", "token", "T", "ProductId", "3941",
                    "Key", "K", "Name", "credits", "IntValue", "1").ok();
        }

        @Test
        void second(CryptolensEmulator emulator) {
            SEEN.add(emulator);
            SEEN.add(CRYPTOLENS.emulator());
        }
    }

    @Test
    void aStaticExtensionSharesOneSeededEmulatorAcrossTheClassAndClosesItAfter() {
        run(PerClass.class).assertStatistics(stats -> stats.succeeded(4).failed(0)); // class, 2 tests, engine

        assertThat(SEEN).hasSize(6).containsOnly(SEEN.get(0)); // before all, 2 constructors, 2 tests, emulator()
        assertThat(SEEN.get(0).value(3941, "K", "credits")).isEqualTo(9);
        assertClosed(SEEN.get(0));
        assertThatThrownBy(PerClass.CRYPTOLENS::emulator).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("no emulator is running");
    }

    static class PerTestStatic {
        @RegisterExtension
        static final CryptolensEmulatorExtension CRYPTOLENS = new CryptolensEmulatorExtension()
                .perTest()
                .setup(emulator -> emulator.product(1).key("K").dataObject("credits", 10));

        @Test
        void first(CryptolensEmulator emulator) {
            SEEN.add(emulator);
            emulator.product(1).key("K").dataObject("credits", 0);
        }

        @Test
        void second(CryptolensEmulator emulator) {
            SEEN.add(emulator);
            assertThat(emulator.value(1, "K", "credits")).isEqualTo(10);
        }
    }

    @Test
    void perTestGivesEveryTestAFreshEmulator() {
        run(PerTestStatic.class).assertStatistics(stats -> stats.succeeded(4).failed(0));

        assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
        SEEN.forEach(CryptolensEmulatorExtensionTest::assertClosed);
    }

    static class InstanceField {
        @RegisterExtension
        final CryptolensEmulatorExtension cryptolens = new CryptolensEmulatorExtension();

        @Test
        void first(CryptolensEmulator emulator) {
            SEEN.add(emulator);
            assertThat(cryptolens.emulator()).isSameAs(emulator);
        }

        @Test
        void second(CryptolensEmulator emulator) {
            SEEN.add(emulator);
        }
    }

    @Test
    void anInstanceFieldExtensionRunsOnePerTest() {
        run(InstanceField.class).assertStatistics(stats -> stats.succeeded(4).failed(0));

        assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
        SEEN.forEach(CryptolensEmulatorExtensionTest::assertClosed);
    }

    static class WithNested {
        @RegisterExtension
        static final CryptolensEmulatorExtension CRYPTOLENS = new CryptolensEmulatorExtension();

        @Test
        void outer(CryptolensEmulator emulator) {
            SEEN.add(emulator);
        }

        @Nested
        class Inner {
            @Test
            void inner(CryptolensEmulator emulator) {
                SEEN.add(emulator);
                assertThat(CRYPTOLENS.emulator()).isSameAs(emulator);
            }
        }

        @Nested
        class AnotherInner {
            @Test
            void stillOpen(CryptolensEmulator emulator) throws IOException {
                SEEN.add(emulator);
                new Socket(InetAddress.getLoopbackAddress(), emulator.port()).close();
            }
        }
    }

    @Test
    void nestedClassesShareTheOuterClassesEmulatorAndDoNotCloseIt() {
        run(WithNested.class).assertStatistics(stats -> stats.succeeded(7).failed(0)); // engine, 3 classes, 3 tests

        assertThat(SEEN).hasSize(3).containsOnly(SEEN.get(0));
        assertClosed(SEEN.get(0));
    }

    static class FailingSetup {
        @RegisterExtension
        static final CryptolensEmulatorExtension CRYPTOLENS = new CryptolensEmulatorExtension()
                .setup(emulator -> {
                    SEEN.add(emulator);
                    throw new IllegalStateException("seeding failed");
                });

        @Test
        void never() {
        }
    }

    @Test
    void aFailingSetupFailsTheClassAndClosesItsEmulator() {
        run(FailingSetup.class).assertThatEvents().haveExactly(1,
                finishedWithFailure(instanceOf(IllegalStateException.class), message("seeding failed")));

        assertThat(SEEN).hasSize(1);
        assertClosed(SEEN.get(0));
    }

    static class ConstructorOfPerTest {
        @RegisterExtension
        static final CryptolensEmulatorExtension CRYPTOLENS = new CryptolensEmulatorExtension().perTest();

        ConstructorOfPerTest(CryptolensEmulator emulator) {
            SEEN.add(emulator);
        }

        @Test
        void never() {
        }
    }

    @Test
    void aPerTestEmulatorCannotBeInjectedIntoTheConstructor() {
        run(ConstructorOfPerTest.class).assertThatEvents().haveExactly(1,
                finishedWithFailure(instanceOf(ParameterResolutionException.class),
                        message(m -> m.startsWith("no emulator is running for"))));

        assertThat(SEEN).isEmpty();
    }

    static class WithBuilder {
        @RegisterExtension
        static final CryptolensEmulatorExtension CRYPTOLENS =
                new CryptolensEmulatorExtension(CryptolensEmulator.builder().firstDataObjectId(5_000_000_000L));

        @Test
        void ids(CryptolensEmulator emulator) {
            SEEN.add(emulator);
            assertThat(emulator.product(1).key("K").dataObject("a", 0).id()).isEqualTo(5_000_000_000L);
        }
    }

    @Test
    void emulatorsStartFromTheGivenBuilder() {
        run(WithBuilder.class).assertStatistics(stats -> stats.succeeded(3).failed(0));
    }

    @Test
    void theExtensionRejectsNulls() {
        assertThatThrownBy(() -> new CryptolensEmulatorExtension(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CryptolensEmulatorExtension().setup(null)).isInstanceOf(NullPointerException.class);
    }
}
