package dev.tollgate.agent.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.tollgate.agent.grant.GrantFile;
import dev.tollgate.agent.grant.GrantKeys;
import dev.tollgate.agent.log.Log;

/**
 * Takes the vendor's signed top-ups from the ledger's inbox, {@code <local.dir>/grants/}: each file is checked
 * against the vendor's public key that the product carries ({@link GrantKeys#RESOURCE} on the class path, never
 * the customer's config), against this install's customer ({@code local.customer}), and against the grants
 * already taken; then its credits are added, once.
 *
 * <p>Exactly once: the credits are added by one counter step that also records the grant's marker
 * ({@link CounterFile#topUp}); then the grant is listed as taken ({@link TakenGrants}) and its file moved to
 * {@code grants/taken/}. Grants are taken one at a time under a lock ({@code grants/.lock}), so after
 * a crash only the last top-up of a counter can be applied and not yet listed: it is recognised by the counter's
 * marker and listed without adding its credits again.
 *
 * <p>A refused grant stays in the inbox and is reported once per run in one line: not a grant, no key in the
 * product, signed by another key, edited after signing, meant for another customer, for a feature that is not a
 * credits feature, already taken, or its counter cannot be used now.
 *
 * <pre>{@code
 * ledger.acceptTopUps("acme", Collections.singletonMap("export", "export"));   // looks now, then now and then
 * }</pre>
 */
final class TopUps {

    static final String INBOX = "grants";
    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final LocalLedger ledger;
    private final String customer;
    private final Map<String, String> creditsCounters;
    private final Path inbox;
    private final TakenGrants taken;
    private final ClassLoader keys;
    private final ReentrantLock looking = new ReentrantLock();
    private volatile long nextLook;

    /** @param keys where the product's class path is searched for the vendor's key */
    TopUps(LocalLedger ledger, String customer, Map<String, String> creditsCounters, ClassLoader keys) {
        this.ledger = ledger;
        this.keys = keys;
        this.customer = customer;
        this.creditsCounters = Collections.unmodifiableMap(new HashMap<>(creditsCounters));
        this.inbox = ledger.dir().resolve(INBOX);
        this.taken = new TakenGrants(ledger.dir().resolve("grants.taken"), ledger.witnessRoot().resolve("grants.taken"));
    }

    /** Looks unless it looked less than two seconds ago or another thread is looking; never throws. */
    void lookNowAndThen() {
        if (System.nanoTime() - nextLook >= 0) {
            look();
        }
    }

    /** Takes every grant waiting in the inbox; never throws. */
    void look() {
        if (!looking.tryLock()) {
            return;
        }
        try {
            nextLook = System.nanoTime() + EVERY_NANOS;
            List<Path> files = waiting();
            if (files.isEmpty()) {
                return;
            }
            GrantKeys.Trusted vendor = GrantKeys.trusted(keys);
            // A lock file of its own: closing any other channel of a locked file would release the lock.
            try (FileChannel lockFile = FileChannel.open(inbox.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                    FileLock ignored = lockFile.lock()) {
                for (Path f : files) {
                    take(f, vendor);
                }
            }
        } catch (IOException | RuntimeException e) {
            Log.warnOnce("topups:" + e, "top-ups in " + inbox + " cannot be taken now: " + e);
        } finally {
            looking.unlock();
        }
    }

    private List<Path> waiting() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(inbox)) {
            return files;
        }
        try (DirectoryStream<Path> all = Files.newDirectoryStream(inbox)) {
            for (Path f : all) {
                if (Files.isRegularFile(f) && !f.getFileName().toString().startsWith(".")) {
                    files.add(f);
                }
            }
        }
        Collections.sort(files);
        return files;
    }

    private void take(Path file, GrantKeys.Trusted vendor) {
        GrantFile g;
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > 8192) {
                refuse(file, "is not a Tollgate grant (" + bytes.length + " bytes)");
                return;
            }
            g = GrantFile.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (GrantFile.Malformed e) {
            refuse(file, "is not a Tollgate grant: " + e.getMessage());
            return;
        } catch (IOException e) {
            refuse(file, "cannot be read: " + e);
            return;
        }
        String why = check(g, vendor);
        if (why != null) {
            refuse(file, why);
            return;
        }
        String counter = creditsCounters.get(g.feature());
        try {
            String when = taken.when(g.key(), g.id());
            if (when != null) {
                refuse(file, "(id " + g.id() + ") was already taken on " + when + ": nothing was added");
                return;
            }
            CounterFile c = ledger.file(counter);
            long marker = marker(g);
            if (c.lastTopUp() == marker) {
                taken.record(g.key(), g.id(), g.feature(), g.units());
                Log.info("grant file " + file + " (id " + g.id() + ") was applied before the product stopped; it is "
                        + "now listed as taken, and nothing was added again");
            } else {
                Step s = c.topUp(g.units(), marker);
                if (!s.applied) {
                    refuse(file, "would take '" + g.feature() + "' beyond the largest balance a counter holds");
                    return;
                }
                taken.record(g.key(), g.id(), g.feature(), g.units());
                Log.info("took grant file " + file + " (id " + g.id() + "): " + g.units() + " credits of '"
                        + g.feature() + "', now " + s.value);
            }
            moveAway(file);
        } catch (IOException e) {
            refuse(file, "for '" + g.feature() + "' cannot be taken now, and stays in the inbox: " + e.getMessage());
        }
    }

    /** Why the grant is not for this install, or {@code null}. */
    private String check(GrantFile g, GrantKeys.Trusted vendor) {
        if (vendor.key() == null) {
            return "cannot be checked: " + vendor.problem() + "; it stays in the inbox";
        }
        String trusted = GrantKeys.fingerprint(vendor.key());
        if (!g.key().equals(trusted)) {
            return "is signed by another key (" + g.key() + "); this product takes grants signed by " + trusted
                    + ": refused";
        }
        if (!g.verifiedBy(vendor.key())) {
            return "was edited after it was signed (its signature does not match its contents): refused";
        }
        if (!g.customer().equals(customer)) {
            return "is meant for customer '" + g.customer() + "', and this install is " + (customer == null
                    ? "no customer (local.customer is not set)" : "'" + customer + "' (local.customer)") + ": refused";
        }
        if (!creditsCounters.containsKey(g.feature())) {
            return "adds credits to '" + g.feature() + "', which is not a credits feature in this product's config; "
                    + "it stays in the inbox";
        }
        return null;
    }

    private void moveAway(Path file) {
        try {
            Path done = inbox.resolve("taken");
            Files.createDirectories(done);
            Files.move(file, done.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Log.warn("grant file " + file + " was taken but could not be moved to " + INBOX + "/taken (" + e
                    + "); it is listed as taken and refused if read again");
        }
    }

    private static void refuse(Path file, String why) {
        Log.warnOnce("grant:" + file + ":" + why, "grant file " + file + " " + why);
    }

    /** The grant's mark in its counter's record: 64 bits of SHA-256 over its key and id, never 0. */
    static long marker(GrantFile g) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((g.key() + "\n" + g.id()).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong() | 1L;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
