package dev.tollgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vendor's pinned config (META-INF/tollgate.yml) and what the customer's file may still set. */
class PinnedConfigTest {

    private static final String HOME = "/home/acme";
    private static final String PINNED = """
            backend: local
            local:
              dir: /var/acme/ledger
              credits:
                export: 10
            features:
              export: { mode: credits, cost: 2 }
              render: { mode: usage, bound: 100 }
            log:
              level: warn
            """;

    @TempDir
    Path dir;

    // ---- helpers ----

    /** A product jar holding {@code yaml} as META-INF/tollgate.yml, with {@code manifestDigest} when not null. */
    private Path productJar(String name, String yaml, String manifestDigest) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (manifestDigest != null) {
            manifest.getMainAttributes().putValue(PinnedConfig.MANIFEST_ATTRIBUTE, manifestDigest);
        }
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry(PinnedConfig.RESOURCE));
            out.write(yaml.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private Path customerFile(String yaml) throws IOException {
        Path file = dir.resolve("etc").resolve("tollgate.yml");
        Files.createDirectories(file.getParent());
        Files.write(file, yaml.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private static ClassLoader classPath(Path... entries) throws IOException {
        URL[] urls = new URL[entries.length];
        for (int i = 0; i < entries.length; i++) {
            urls[i] = entries[i].toUri().toURL();
        }
        return new URLClassLoader(urls, null);
    }

    private Config load(ClassLoader classPath, Path customer, String expectedDigest) {
        return new ConfigLoader(Map.of(), HOME).load(customer == null ? null : customer.toString(), null, dir,
                classPath, expectedDigest);
    }

    private Config pinnedWith(String customerYaml) throws IOException {
        return load(classPath(productJar("acme.jar", PINNED, null)), customerFile(customerYaml), null);
    }

    private static List<String> ignored(Config config) {
        return config.ignored().stream().map(Problem::toString).collect(Collectors.toList());
    }

    // ---- what comes from where ----

    @Test
    void withoutACustomerFileThePinnedConfigIsTheConfig() throws IOException {
        Config config = load(classPath(productJar("acme.jar", PINNED, null)), null, null);

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.openingCredits()).containsEntry("export", 10L);
        assertThat(config.features().get("export").cost()).isEqualTo(2);
        assertThat(config.source()).endsWith("acme.jar!/META-INF/tollgate.yml (pinned by the vendor)");
        assertThat(config.ignored()).isEmpty();
    }

    @Test
    void aCustomerFileCannotRaisePinnedCreditsOrChangeAPinnedFeatureAndEachRefusedKeyIsReportedOnItsLine()
            throws IOException {
        Config config = pinnedWith("""
                local:
                  credits:
                    export: 1000000
                features:
                  export: { mode: credits, cost: 1 }
                backend: cryptolens
                """);
        String file = dir.resolve("etc").resolve("tollgate.yml").toString();

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.openingCredits()).containsEntry("export", 10L);
        assertThat(config.features().get("export").cost()).isEqualTo(2);
        assertThat(config.backend()).isEqualTo(Config.BackendKind.LOCAL);
        assertThat(ignored(config)).containsExactly(
                file + ":2: local.credits: set by the vendor's pinned config; ignored",
                file + ":4: features: set by the vendor's pinned config; ignored",
                file + ":6: backend: set by the vendor's pinned config; ignored");
    }

    @Test
    void theCustomerSetsTheFoldersAndTheLogLevelRelativePathsFromItsOwnFolder() throws IOException {
        Config config = pinnedWith("""
                local:
                  dir: ledger
                journal:
                  dir: /srv/acme/journal
                log:
                  level: debug
                """);

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.ledgerDir()).isEqualTo(dir.resolve("etc").resolve("ledger"));
        assertThat(config.journal().dir()).isEqualTo(Path.of("/srv/acme/journal"));
        assertThat(config.logLevel()).isEqualTo("debug");
        assertThat(config.ignored()).isEmpty();
        assertThat(config.source()).endsWith("(pinned by the vendor), with " + dir.resolve("etc").resolve("tollgate.yml"));
    }

    @Test
    void theCustomerSetsTheLicenseKeyMachineCodeAndTimeoutsButNotTheServerNorTheToken() throws IOException {
        String pinned = """
                backend: cryptolens
                cryptolens:
                  url: https://licensing.acme.example
                  token: vendor-token
                  productId: 42
                  key: VENDOR-DEFAULT
                features:
                  export: { mode: credits }
                """;
        Config config = load(classPath(productJar("acme.jar", pinned, null)), customerFile("""
                cryptolens:
                  key: CUSTOMER-KEY
                  machineCode: host-7
                  readTimeout: 3s
                  url: http://127.0.0.1:9/fake
                  token: customer-token
                """), null);

        CryptolensSettings c = config.cryptolens();
        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(c.key()).isEqualTo("CUSTOMER-KEY");
        assertThat(c.machineCode()).isEqualTo("host-7");
        assertThat(c.readTimeout().toMillis()).isEqualTo(3000);
        assertThat(c.url()).isEqualTo("https://licensing.acme.example");
        assertThat(c.token()).isEqualTo("vendor-token");
        assertThat(config.ignored()).extracting(Problem::key).containsExactly("cryptolens.url", "cryptolens.token");
    }

    @Test
    void aKeyTheVendorOpensUnderCustomerMayBeSetAndTheListIsNotConfigItself() throws IOException {
        String pinned = PINNED + """
                customer:
                  - journal.fsync
                  - features.render.bound
                """;
        Config config = load(classPath(productJar("acme.jar", pinned, null)), customerFile("""
                journal:
                  fsync: always
                features:
                  render:
                    bound: 500
                    mode: credits
                """), null);

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.journal().fsync()).isEqualTo(JournalSettings.Fsync.ALWAYS);
        assertThat(config.features().get("render").bound()).isEqualTo(500L);
        assertThat(config.features().get("render").mode()).isEqualTo(Feature.Mode.USAGE);
        assertThat(config.ignored()).extracting(Problem::key).containsExactly("features.render.mode");
    }

    @Test
    void aCustomerListNamingNoKeyOfTheConfigIsAProblemOfThePinnedConfig() throws IOException {
        Config config = load(classPath(productJar("acme.jar", PINNED + "customer:\n  - jurnal.fsync\n", null)),
                null, null);

        assertThat(config.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).endsWith("acme.jar!/META-INF/tollgate.yml");
            assertThat(p.line()).isEqualTo(12);
            assertThat(p.key()).isEqualTo("customer[0]");
            assertThat(p.message()).startsWith("'jurnal.fsync' is not a key of the config (did you mean 'journal'?)");
        });
    }

    @Test
    void aMistypedCustomerKeyIsIgnoredWithADidYouMean() throws IOException {
        Config config = pinnedWith("log:\n  levle: debug\n");

        assertThat(ignored(config)).singleElement().asString()
                .endsWith(":2: log.levle: set by the vendor's pinned config; ignored (did you mean 'log.level'?)");
        assertThat(config.logLevel()).isEqualTo("warn");
    }

    @Test
    void aMistakeInAValueTheCustomerMaySetIsAProblemNamingTheCustomersFileAndLine() throws IOException {
        Config config = pinnedWith("# the customer's\nlog:\n  level: loud\n");

        assertThat(config.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(dir.resolve("etc").resolve("tollgate.yml").toString());
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.key()).isEqualTo("log.level");
            assertThat(p.message()).isEqualTo("must be one of debug, info, warn, error, off, got 'loud'");
        });
    }

    @Test
    void customerCryptolensKeysAreIgnoredWhenThePinnedConfigHasNoCryptolensSection() throws IOException {
        Config config = pinnedWith("cryptolens:\n  key: K\n");

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.cryptolens()).isNull();
        assertThat(ignored(config)).singleElement().asString()
                .endsWith(":1: cryptolens: ignored: the vendor's pinned config has no cryptolens: section");
    }

    @Test
    void aCustomerFileThatIsNamedButMissingIsAProblem() throws IOException {
        Config config = load(classPath(productJar("acme.jar", PINNED, null)), dir.resolve("nope.yml"), null);

        assertThat(config.problems()).singleElement().asString().endsWith("nope.yml: config file not found (named "
                + "by the -javaagent argument)");
    }

    @Test
    void invalidYamlInTheCustomersFileIsAProblemInThatFile() throws IOException {
        Config config = pinnedWith("log: [unclosed\n");

        assertThat(config.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).endsWith("tollgate.yml").doesNotContain("META-INF");
            assertThat(p.message()).startsWith("not valid YAML");
        });
    }

    @Test
    void aCustomerFileThatIsAListIsAProblemInThatFile() throws IOException {
        Config config = pinnedWith("- local.dir: x\n");

        assertThat(config.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(dir.resolve("etc").resolve("tollgate.yml").toString());
            assertThat(p.message()).isEqualTo("must be a mapping of keys to values");
        });
        assertThat(config.openingCredits()).containsEntry("export", 10L);
    }

    @Test
    void aCustomerSectionInTheCustomersFileOpensNothing() throws IOException {
        Config config = pinnedWith("customer: [local.credits]\nlocal:\n  credits: { export: 99 }\n");

        assertThat(config.openingCredits()).containsEntry("export", 10L);
        assertThat(config.ignored()).extracting(Problem::key).containsExactly("customer", "local.credits");
    }

    @Test
    void aCustomerSectionThatIsNotAListIsAProblemOfThePinnedConfig() throws IOException {
        Config config = load(classPath(productJar("acme.jar", PINNED + "customer: journal.fsync\n", null)), null,
                null);

        assertThat(config.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("customer");
            assertThat(p.message()).isEqualTo("must be a list of keys the customer's file may set, e.g. "
                    + "- journal.fsync");
        });
    }

    // ---- refusals of the pinned config itself ----

    @Test
    void severalCopiesOnTheClassPathAreAmbiguousAndAProblem() throws IOException {
        Config config = load(classPath(productJar("acme.jar", PINNED, null), productJar("other.jar", PINNED, null)),
                null, null);

        assertThat(config.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("META-INF/tollgate.yml");
            assertThat(p.message()).startsWith("is on the class path 2 times (").contains("acme.jar!", "other.jar!")
                    .endsWith("which one the vendor pinned is ambiguous, so every metered call is denied; keep only "
                            + "the product's copy");
        });
        assertThat(config.features()).isEmpty();
    }

    @Test
    void aResourceNotMatchingTheManifestDigestIsRefused() throws IOException {
        String recorded = PinnedConfig.digest(PINNED.getBytes(StandardCharsets.UTF_8));
        String edited = PINNED.replace("export: 10", "export: 10000");

        Config config = load(classPath(productJar("acme.jar", edited, recorded)), null, null);

        assertThat(config.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).endsWith("acme.jar!/META-INF/tollgate.yml");
            assertThat(p.message()).isEqualTo("does not match the digest in the manifest attribute "
                    + "Tollgate-Config-Digest of its jar (expected " + recorded + ", found "
                    + PinnedConfig.digest(edited.getBytes(StandardCharsets.UTF_8)) + "): an edited pinned config is "
                    + "never used, so every metered call is denied; reinstall the product");
        });
        assertThat(config.openingCredits()).isEmpty();
    }

    @Test
    void aResourceMatchingItsManifestDigestIsUsed() throws IOException {
        String recorded = PinnedConfig.digest(PINNED.getBytes(StandardCharsets.UTF_8));

        Config config = load(classPath(productJar("acme.jar", PINNED, recorded)), null, null);

        assertThat(config.isValid()).as("%s", config.problems()).isTrue();
        assertThat(config.openingCredits()).containsEntry("export", 10L);
    }

    @Test
    void theDigestTheCallerGivesWinsOverTheManifestsAndMustMatch() throws IOException {
        String recorded = PinnedConfig.digest(PINNED.getBytes(StandardCharsets.UTF_8));
        String edited = PINNED.replace("cost: 2", "cost: 1");
        String rewrittenManifest = PinnedConfig.digest(edited.getBytes(StandardCharsets.UTF_8));

        Config config = load(classPath(productJar("acme.jar", edited, rewrittenManifest)), null, recorded);

        assertThat(config.problems()).singleElement().extracting(Problem::message).asString()
                .startsWith("does not match the digest recorded when the product was built (expected " + recorded);
    }

    @Test
    void aDigestGivenWithoutAnyPinnedConfigOnTheClassPathIsAProblem() throws IOException {
        String recorded = PinnedConfig.digest(PINNED.getBytes(StandardCharsets.UTF_8));

        Config config = load(classPath(dir.resolve("empty")), customerFile(PINNED), recorded);

        assertThat(config.problems()).singleElement().asString().isEqualTo("META-INF/tollgate.yml: missing: the "
                + "product was built with a pinned config (" + recorded + ") but it is not on the class path, so "
                + "every metered call is denied");
    }

    @Test
    void withoutAPinnedConfigTheCustomersFileIsTheWholeConfigAndMayNotUseCustomer() throws IOException {
        Config config = load(classPath(dir.resolve("empty")), customerFile(PINNED + "customer: [log.level]\n"), null);

        assertThat(config.openingCredits()).containsEntry("export", 10L);
        assertThat(config.problems()).singleElement().extracting(Problem::key).isEqualTo("customer");
    }

    @Test
    void verifyTakesTheDigestWithOrWithoutItsPrefixInAnyCaseAndRefusesAnythingElse() {
        byte[] resource = "features: {}\n".getBytes(StandardCharsets.UTF_8);
        String digest = PinnedConfig.digest(resource);

        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        assertThat(PinnedConfig.verify(resource, digest)).isTrue();
        assertThat(PinnedConfig.verify(resource, digest.substring("sha256:".length()).toUpperCase())).isTrue();
        assertThat(PinnedConfig.verify(resource, " " + digest + "\n")).isTrue();
        assertThat(PinnedConfig.verify("features: {x}\n".getBytes(StandardCharsets.UTF_8), digest)).isFalse();
        assertThat(PinnedConfig.verify(resource, null)).isFalse();
        assertThat(PinnedConfig.verify(resource, "")).isFalse();
        assertThat(PinnedConfig.verify(resource, digest.substring(0, 70))).isFalse();
        assertThat(PinnedConfig.verify(resource, digest.replace('a', 'g'))).isFalse();
    }
}
