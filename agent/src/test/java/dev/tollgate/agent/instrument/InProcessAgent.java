package dev.tollgate.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.tollgate.agent.boot.Wiring;
import dev.tollgate.agent.bridge.Bridge;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.ConfigLoader;
import dev.tollgate.agent.ledger.LocalLedger;
import dev.tollgate.agent.log.Log;
import dev.tollgate.agent.rules.RetrofitRules;
import dev.tollgate.agent.site.Sites;
import fixtures.PluginLoader;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * The agent wired in this JVM for one test by the agent's own {@link Wiring}, on a local ledger; taken
 * down after the test. Fixture classes are then loaded afresh by {@link #fixtures()}.
 *
 * <pre>{@code
 * @RegisterExtension final InProcessAgent agent = new InProcessAgent();
 * ClassLoader loader = agent.meter(yaml, dir);
 * }</pre>
 */
final class InProcessAgent implements AfterEachCallback {

    private static Instrumentation instrumentation;

    /** Every line the agent logged during the test. */
    final List<String> logged = new CopyOnWriteArrayList<>();
    private final Consumer<String> listener = logged::add;
    private boolean transformErrorsAllowed;
    private Installer.Installation installation;
    private Wiring wiring;

    static synchronized Instrumentation instrumentation() {
        if (instrumentation == null) {
            instrumentation = ByteBuddyAgent.install();
        }
        return instrumentation;
    }

    /** For tests that make transformations fail on purpose. */
    InProcessAgent allowingTransformErrors() {
        transformErrorsAllowed = true;
        return this;
    }

    /**
     * Reads {@code yaml} (named {@code tollgate.yml}; relative paths against {@code dir}), installs metering
     * and returns a fresh child-first loader of {@code fixtures.*}.
     */
    ClassLoader meter(String yaml, Path dir) {
        Config config = new ConfigLoader(Map.of(), dir.toString()).parse(yaml, "tollgate.yml", dir);
        assertThat(config.problems()).isEmpty();
        // The ledger's witness in the test's folder, not under the real home.
        wiring = Wiring.of(config, new LocalLedger(config.ledgerDir(), config.openingCredits(),
                config.ledgerDir().resolve("journal"), dir.resolve("witness")));
        Log.listen(listener);
        installation = wiring.install(instrumentation());
        return fixtures();
    }

    /** A new child-first loader of {@code fixtures.*}, as a plugin's would be. */
    ClassLoader fixtures() {
        return new PluginLoader(InProcessAgent.class.getClassLoader(), "fixtures.");
    }

    Installer.Installation installation() {
        return installation;
    }

    LocalLedger ledger() {
        return (LocalLedger) wiring.backend();
    }

    Sites sites() {
        return wiring.sites();
    }

    RetrofitRules rules() {
        return wiring.rules();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Log.unlisten(listener);
        Bridge.uninstall();
        if (installation != null) {
            installation.remove();
        }
        if (wiring != null) {
            // Stops the sync thread, which would otherwise write into the folder being deleted; then the ledger.
            wiring.close();
        }
        if (installation != null && !transformErrorsAllowed) {
            assertThat(installation.errors()).as("classes that failed to transform").isZero();
        }
    }
}
