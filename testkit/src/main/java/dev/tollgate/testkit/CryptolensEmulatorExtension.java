package dev.tollgate.testkit;

import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a {@link CryptolensEmulator} for JUnit Jupiter tests and hands it to test and lifecycle methods
 * that declare a {@code CryptolensEmulator} parameter.
 *
 * <p>In a {@code static} field it starts one emulator before all tests of the class and closes it after
 * them; in an instance field (or with {@link #perTest()}) each test gets a fresh one.
 *
 * <pre>{@code
 * class ExportBillingTest {
 *     @RegisterExtension
 *     static final CryptolensEmulatorExtension CRYPTOLENS = new CryptolensEmulatorExtension()
 *             .perTest()
 *             .setup(emulator -> {
 *                 emulator.product(3941).key("AAAAA-BBBBB-CCCCC-DDDDD").dataObject("export", 3);
 *                 emulator.token("T", Permission.allData()).keyLock(-1);
 *             });
 *
 *     @Test
 *     void anExportSpendsOneCredit(CryptolensEmulator emulator) {
 *         new ReportTool(emulator.url(), "T").export();
 *         assertThat(emulator.value(3941, "AAAAA-BBBBB-CCCCC-DDDDD", "export")).isEqualTo(2);
 *     }
 * }
 * }</pre>
 *
 * <p>Register one per test class. Instances are immutable: {@link #perTest()} and {@link #setup} return
 * new ones.
 */
public final class CryptolensEmulatorExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final String KEY = CryptolensEmulator.class.getName();

    private final CryptolensEmulator.Builder builder;
    private final boolean perTest;
    private final Consumer<CryptolensEmulator> setup;
    private volatile CryptolensEmulator current;

    /** An extension with default emulator options. */
    public CryptolensEmulatorExtension() {
        this(CryptolensEmulator.builder());
    }

    /** An extension whose emulators start from {@code builder}. */
    public CryptolensEmulatorExtension(CryptolensEmulator.Builder builder) {
        this(builder, false, emulator -> { });
    }

    private CryptolensEmulatorExtension(CryptolensEmulator.Builder builder, boolean perTest,
                                        Consumer<CryptolensEmulator> setup) {
        this.builder = Objects.requireNonNull(builder, "builder");
        this.perTest = perTest;
        this.setup = Objects.requireNonNull(setup, "setup");
    }

    /** A fresh emulator for every test, also when registered in a static field. */
    public CryptolensEmulatorExtension perTest() {
        return new CryptolensEmulatorExtension(builder, true, setup);
    }

    /** Runs {@code setup} on every emulator this extension starts (seed products, keys, tokens). */
    public CryptolensEmulatorExtension setup(Consumer<CryptolensEmulator> setup) {
        return new CryptolensEmulatorExtension(builder, perTest, setup);
    }

    /**
     * The emulator started last, for use in fields and helpers.
     *
     * @throws IllegalStateException outside a running test class
     */
    public CryptolensEmulator emulator() {
        CryptolensEmulator emulator = current;
        if (emulator == null) {
            throw new IllegalStateException("no emulator is running: the extension starts one for a test class or a test");
        }
        return emulator;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perTest && find(context) == null) {
            start(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest || find(context) == null) {
            start(context);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == CryptolensEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        CryptolensEmulator emulator = find(context);
        if (emulator == null) {
            throw new ParameterResolutionException("no emulator is running for " + context.getDisplayName()
                    + " (with a per-test extension, a test-class constructor cannot have one)");
        }
        return emulator;
    }

    private ExtensionContext.Namespace namespace() {
        return ExtensionContext.Namespace.create(CryptolensEmulatorExtension.class, this);
    }

    /** The emulator of this context or the nearest enclosing one. */
    private CryptolensEmulator find(ExtensionContext context) {
        return context.getStore(namespace()).get(KEY, CryptolensEmulator.class);
    }

    private void start(ExtensionContext context) {
        CryptolensEmulator emulator = builder.start();
        try {
            setup.accept(emulator);
        } catch (RuntimeException | Error e) {
            emulator.close();
            throw e;
        }
        context.getStore(namespace()).put(KEY, emulator);
        current = emulator;
    }

    /** Closes the emulator this very context started, if any; an enclosing context's stays. */
    private void stop(ExtensionContext context) {
        CryptolensEmulator emulator = context.getStore(namespace()).remove(KEY, CryptolensEmulator.class);
        if (emulator != null) {
            if (current == emulator) {
                current = null;
            }
            emulator.close();
            CryptolensEmulator enclosing = find(context);
            if (enclosing != null && current == null) {
                current = enclosing;
            }
        }
    }
}
