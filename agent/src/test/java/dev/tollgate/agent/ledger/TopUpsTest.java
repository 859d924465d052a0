package dev.tollgate.agent.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.agent.grant.GrantFile;
import dev.tollgate.agent.grant.GrantKeys;
import dev.tollgate.agent.log.Log;

/** The customer's side of a top-up: each grant checked, taken once, and every refusal one line. */
class TopUpsTest {

    @TempDir
    Path dir;

    @TempDir
    Path home;

    @TempDir
    Path product;

    private static final KeyPair VENDOR = pair();
    private static final KeyPair OTHER = pair();

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Consumer<String> listener = lines::add;

    @BeforeEach
    void listen() {
        Log.forgetReported();
        Log.listen(listener);
    }

    @AfterEach
    void unlisten() {
        Log.unlisten(listener);
    }

    private static KeyPair pair() {
        try {
            return GrantKeys.generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A product class path that carries {@code keys} as its grant key(s), one folder each. */
    private ClassLoader carrying(KeyPair... keys) throws IOException {
        URL[] urls = new URL[keys.length];
        for (int i = 0; i < keys.length; i++) {
            Path root = product.resolve("cp" + i);
            Path resource = root.resolve(GrantKeys.RESOURCE);
            Files.createDirectories(resource.getParent());
            Files.writeString(resource, GrantKeys.publicPem(keys[i].getPublic()));
            urls[i] = root.toUri().toURL();
        }
        return new URLClassLoader(urls, null);
    }

    private LocalLedger ledger(Path ledgerDir, String customer, ClassLoader keys) {
        LocalLedger l = new LocalLedger(ledgerDir, Map.of("export", 10L), ledgerDir.resolve("journal"), home);
        l.acceptTopUps(customer, Map.of("export", "export"), keys);
        return l;
    }

    private LocalLedger ledger(String customer) throws IOException {
        return ledger(dir, customer, carrying(VENDOR));
    }

    private static String grant(KeyPair by, String id, String customer, String feature, long units) {
        try {
            return GrantFile.sign(id, customer, feature, units, by.getPrivate(), GrantKeys.fingerprint(by.getPublic()))
                    .format();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Path drop(String name, String text) throws IOException {
        Path inbox = dir.resolve("grants");
        Files.createDirectories(inbox);
        return Files.writeString(inbox.resolve(name), text);
    }

    private long balance(String customer) throws IOException {
        try (LocalLedger l = ledger(customer)) {
            return l.read("export").value();
        }
    }

    private void assertRefused(Path file, String why) {
        assertThat(lines).contains("[tollgate] warning: grant file " + file + " " + why);
    }

    @Test
    void aGrantIsTakenOnceListedInBothPlacesAndMovedOutOfTheInbox() throws IOException {
        Path file = drop("acme-1.grant", grant(VENDOR, "2026-1", "acme", "export", 1000));

        assertThat(balance("acme")).isEqualTo(1010);
        assertThat(file).doesNotExist();
        assertThat(dir.resolve("grants/taken/acme-1.grant")).exists();
        assertThat(lines).contains("[tollgate] took grant file " + file + " (id 2026-1): 1000 credits of 'export', "
                + "now 1010");
        String key = GrantKeys.fingerprint(VENDOR.getPublic());
        assertThat(Files.readString(dir.resolve("grants.taken"))).startsWith(key + " 2026-1 export 1000 ");
        assertThat(Files.readString(home.resolve("grants.taken"))).startsWith(key + " 2026-1 export 1000 ");
        assertThat(balance("acme")).as("a restart takes nothing again").isEqualTo(1010);
    }

    @Test
    void aReplayedGrantIsRefusedEvenWhenOneListOfTakenGrantsWasDeleted() throws IOException {
        String text = grant(VENDOR, "2026-1", "acme", "export", 1000);
        drop("a.grant", text);
        balance("acme");
        Files.delete(dir.resolve("grants.taken"));
        Path again = drop("a.grant", text);

        assertThat(balance("acme")).isEqualTo(1010);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("[tollgate] warning: grant file " + again
                + " (id 2026-1) was already taken on 20").endsWith(": nothing was added"));
        assertThat(again).exists();
    }

    @Test
    void aGrantTakenInOneLedgerFolderIsRefusedInAnotherOfTheSameUser() throws IOException {
        String text = grant(VENDOR, "2026-1", "acme", "export", 1000);
        drop("a.grant", text);
        balance("acme");
        Path other = dir.resolve("second-ledger");
        Files.createDirectories(other.resolve("grants"));
        Files.writeString(other.resolve("grants/a.grant"), text);

        try (LocalLedger l = ledger(other, "acme", carrying(VENDOR))) {
            assertThat(l.read("export").value()).isEqualTo(10);
        }
        assertThat(lines).anyMatch(l -> l.contains("(id 2026-1) was already taken on"));
    }

    @Test
    void anEditedGrantIsRefused() throws IOException {
        Path file = drop("a.grant", grant(VENDOR, "2026-1", "acme", "export", 10).replace("units: 10", "units: 9000"));

        assertThat(balance("acme")).isEqualTo(10);
        assertRefused(file, "was edited after it was signed (its signature does not match its contents): refused");
    }

    @Test
    void aGrantSignedByAnotherKeyIsRefused() throws IOException {
        Path file = drop("a.grant", grant(OTHER, "2026-1", "acme", "export", 10));

        assertThat(balance("acme")).isEqualTo(10);
        assertRefused(file, "is signed by another key (" + GrantKeys.fingerprint(OTHER.getPublic()) + "); this "
                + "product takes grants signed by " + GrantKeys.fingerprint(VENDOR.getPublic()) + ": refused");
    }

    @Test
    void aGrantMeantForAnotherCustomerIsRefused() throws IOException {
        Path file = drop("a.grant", grant(VENDOR, "2026-1", "globex", "export", 10));

        assertThat(balance("acme")).isEqualTo(10);
        assertRefused(file, "is meant for customer 'globex', and this install is 'acme' (local.customer): refused");
    }

    @Test
    void anInstallThatNamesNoCustomerTakesNoGrant() throws IOException {
        Path file = drop("a.grant", grant(VENDOR, "2026-1", "acme", "export", 10));

        assertThat(balance(null)).isEqualTo(10);
        assertRefused(file, "is meant for customer 'acme', and this install is no customer (local.customer is not "
                + "set): refused");
    }

    @Test
    void aGrantForAFeatureThatIsNotACreditsFeatureStaysInTheInbox() throws IOException {
        Path file = drop("a.grant", grant(VENDOR, "2026-1", "acme", "render", 10));

        assertThat(balance("acme")).isEqualTo(10);
        assertRefused(file, "adds credits to 'render', which is not a credits feature in this product's config; it "
                + "stays in the inbox");
        assertThat(file).exists();
    }

    @Test
    void aFileThatIsNotAGrantIsRefusedNamingWhatIsWrong() throws IOException {
        Path file = drop("notes.txt", "export: 100000\n");

        assertThat(balance("acme")).isEqualTo(10);
        assertRefused(file, "is not a Tollgate grant: line 1: 'export: 100000' is not one of the fields version, id, "
                + "customer, feature, units, key, signature");
    }

    @Test
    void aProductWithoutAGrantKeyTakesNoGrant() throws IOException {
        Path file = drop("a.grant", grant(VENDOR, "2026-1", "acme", "export", 10));

        try (LocalLedger l = ledger(dir, "acme", carrying())) {
            assertThat(l.read("export").value()).isEqualTo(10);
        }
        assertRefused(file, "cannot be checked: the product carries no grant key (META-INF/tollgate/grant-key.pub on "
                + "its class path); it stays in the inbox");
    }

    @Test
    void aClassPathWithTwoDifferentGrantKeysTakesNoGrant() throws IOException {
        Path file = drop("a.grant", grant(OTHER, "2026-1", "acme", "export", 10));

        try (LocalLedger l = ledger(dir, "acme", carrying(VENDOR, OTHER))) {
            assertThat(l.read("export").value()).isEqualTo(10);
        }
        assertThat(lines).anyMatch(l -> l.startsWith("[tollgate] warning: grant file " + file + " cannot be checked: "
                + "the class path holds different grant keys: "));
    }

    @Test
    void aGrantAppliedJustBeforeACrashIsListedAsTakenAndNotAddedAgain() throws IOException {
        String text = grant(VENDOR, "2026-1", "acme", "export", 1000);
        try (CounterFile c = new CounterFile(dir.resolve("export.counter"), 10,
                new Witness(Witness.dirFor(home, dir).resolve("export" + Witness.SUFFIX)))) {
            GrantFile g;
            try {
                g = GrantFile.parse(text);
            } catch (GrantFile.Malformed e) {
                throw new AssertionError(e);
            }
            c.topUp(1000, TopUps.marker(g)); // the credits went in; the process died before listing it
        }
        Path file = drop("a.grant", text);

        assertThat(balance("acme")).isEqualTo(1010);
        assertThat(lines).contains("[tollgate] grant file " + file + " (id 2026-1) was applied before the product "
                + "stopped; it is now listed as taken, and nothing was added again");
        assertThat(Files.readString(dir.resolve("grants.taken"))).contains(" 2026-1 export 1000 ");
    }

    @Test
    void aListOfTakenGrantsThatCannotBeReadTakesNoGrantUntilItCanAndSaysSo() throws IOException {
        Files.createDirectories(dir.resolve("grants.taken")); // a folder where the list should be
        Path file = drop("a.grant", grant(VENDOR, "2026-1", "acme", "export", 1000));

        assertThat(balance("acme")).isEqualTo(10);
        assertThat(file).exists();
        assertThat(lines).anyMatch(l -> l.startsWith("[tollgate] warning: grant file " + file + " for 'export' cannot "
                + "be taken now, and stays in the inbox: "));

        Files.delete(dir.resolve("grants.taken"));
        assertThat(balance("acme")).isEqualTo(1010);
        assertThat(file).doesNotExist();
    }

    @Test
    void aGrantForACounterThatCannotBeUsedNowStaysInTheInbox() throws IOException {
        try (LocalLedger l = ledger("acme")) {
            l.take("export", 10, 0);
        }
        Files.delete(dir.resolve("export.counter"));
        Path file = drop("a.grant", grant(VENDOR, "2026-1", "acme", "export", 100));

        try (LocalLedger l = ledger("acme")) {
            assertThat(l.take("export", 1, 0).detail()).contains("was deleted or emptied");
        }
        assertThat(file).exists();
        assertThat(lines).anyMatch(l -> l.startsWith("[tollgate] warning: grant file " + file + " for 'export' cannot "
                + "be taken now, and stays in the inbox: ledger file ") && l.contains("was deleted or emptied"));
    }
}
