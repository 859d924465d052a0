package dev.tollgate.agent.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.ConfigLoader;
import dev.tollgate.agent.config.PinnedConfig;

/**
 * A woven class records the digest of the pinned config it was built with; a runtime that already runs denies its
 * calls unless the pinned config in use has that digest. (Started by a woven class, the runtime loads the config
 * with that digest expected: {@code WovenIT}.)
 */
class SelfStartTest {

    private static final String PINNED = """
            backend: local
            local:
              dir: /var/acme/ledger
            features:
              export: { mode: usage, bound: 100 }
            """;

    @TempDir
    Path dir;

    /** The config a runtime reads with {@code yaml} pinned on its class path (no digest expected). */
    private Config running(String yaml) throws Exception {
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve("META-INF"));
        if (yaml != null) {
            Files.write(classes.resolve(PinnedConfig.RESOURCE), yaml.getBytes(StandardCharsets.UTF_8));
        }
        Path customer = dir.resolve("tollgate.yml");
        if (yaml == null) {
            Files.write(customer, PINNED.getBytes(StandardCharsets.UTF_8));
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
            Config config = new ConfigLoader(Map.of(), "/home/acme").load(null, null, dir, loader, null);
            assertThat(config.problems()).isEmpty();
            return config;
        }
    }

    @Test
    void aClassWovenWithThePinnedConfigInUseIsRegistered() throws Exception {
        Config config = running(PINNED);

        assertThat(config.pinnedDigest()).isEqualTo(PinnedConfig.digest(PINNED.getBytes(StandardCharsets.UTF_8)));
        assertThat(SelfStart.configMismatch(config.pinnedDigest(), config)).isNull();
        assertThat(SelfStart.configMismatch(null, config)).as("woven without a pinned config").isNull();
    }

    @Test
    void aClassWovenWithAnotherPinnedConfigThanTheOneInUseIsDeniedNamingBothDigests() throws Exception {
        String edited = PINNED.replace("bound: 100", "bound: 100000");
        Config config = running(edited);
        String recorded = PinnedConfig.digest(PINNED.getBytes(StandardCharsets.UTF_8));

        assertThat(SelfStart.configMismatch(recorded, config)).isEqualTo("it was woven with the pinned config "
                + recorded + ", but the runtime uses " + config.pinnedDigest() + " (" + config.source()
                + "): an edited pinned config is never used; reinstall the product");
    }

    @Test
    void aClassWovenWithAPinnedConfigIsDeniedWhenTheRuntimeUsesNone() throws Exception {
        Config config = running(null);
        String recorded = PinnedConfig.digest(PINNED.getBytes(StandardCharsets.UTF_8));

        assertThat(config.pinnedDigest()).isNull();
        assertThat(SelfStart.configMismatch(recorded, config)).isEqualTo("it was woven with the pinned config "
                + recorded + ", but the runtime uses no pinned config (" + config.source()
                + "); run the product's jar as shipped");
    }
}
