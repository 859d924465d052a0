package dev.tollgate.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tollgate.testkit.CryptolensEmulator;
import dev.tollgate.testkit.DataObject;
import dev.tollgate.testkit.LicenseKey;
import dev.tollgate.testkit.Permission;

/**
 * The {@code --backend cryptolens} side of {@link RunBenchmarks}: the testkit's emulator in the launcher
 * process (127.0.0.1, a free port, TCP_NODELAY on every accepted socket, request log off), product
 * {@value #PRODUCT_ID} with key {@value #LICENSE_KEY}, a data object at {@code Integer.MAX_VALUE} per credits
 * feature and one for the bare request, a fresh random token (all data permissions, key lock -1), and a
 * {@code backend: cryptolens} config with its own journal folder, in a folder only this user can read.
 *
 * <p>Before each fork ({@link #beforeFork}, while no fork runs) the counters are set back to where they
 * started (credits to {@code Integer.MAX_VALUE}, usage to 0) and the journal folder is emptied: each fork
 * starts as a first run, and a benchmark may run {@code Integer.MAX_VALUE} calls per fork (a data object is
 * an int32) however many forks it has. What each counter moved is added up over the forks ({@link #moved}).
 */
final class EmulatorBackend implements AutoCloseable {

    static final int PRODUCT_ID = 3941;
    static final String LICENSE_KEY = "BENCH-AAAAA-BBBBB-CCCCC";
    static final String BARE_COUNTER = "bare";
    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final CryptolensEmulator emulator;
    private final LicenseKey key;
    private final Path journal;
    private final Path config;
    private final Path tokenFile;
    private final long bareId;
    private final Map<String, Long> moved = new LinkedHashMap<>();

    EmulatorBackend(Path dir) throws IOException {
        emulator = CryptolensEmulator.builder().requestLogLimit(0).start();
        try {
            key = emulator.product(PRODUCT_ID).key(LICENSE_KEY);
            for (RunBenchmarks.Feature f : RunBenchmarks.FEATURES) {
                if (f.credits()) {
                    key.dataObject(f.name(), Integer.MAX_VALUE);
                }
            }
            bareId = key.dataObject(BARE_COUNTER, Integer.MAX_VALUE).id();
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            emulator.token(token, Permission.allData()).keyLock(-1);
            tokenFile = Files.writeString(dir.resolve("token"), token, StandardCharsets.UTF_8);
            journal = Files.createDirectory(dir.resolve("journal"), OWNER_ONLY);
            config = writeConfig(dir, token);
        } catch (IOException | RuntimeException e) {
            emulator.close();
            throw e;
        }
    }

    String url() {
        return emulator.url();
    }

    /** The requests the emulator received so far. */
    int requestCount() {
        return emulator.requestCount();
    }

    /** The key that carries the counters (for tests). */
    LicenseKey key() {
        return key;
    }

    /** The agent's config, with the token in it. */
    Path config() {
        return config;
    }

    /** What the forks need besides the agent: the endpoint for the bare request, the token as a file's path. */
    List<String> forkProperties() {
        List<String> args = new ArrayList<>();
        args.add("-D" + StrictLoopbackBenchmark.URL + "=" + emulator.url());
        args.add("-D" + StrictLoopbackBenchmark.PRODUCT_ID + "=" + PRODUCT_ID);
        args.add("-D" + StrictLoopbackBenchmark.KEY + "=" + LICENSE_KEY);
        args.add("-D" + StrictLoopbackBenchmark.TOKEN_FILE + "=" + tokenFile);
        args.add("-D" + StrictLoopbackBenchmark.BARE_ID + "=" + bareId);
        return args;
    }

    /** Adds what each counter moved since the last fork to its total, sets it back, and empties the journal. */
    synchronized void beforeFork() {
        for (RunBenchmarks.Feature f : RunBenchmarks.FEATURES) {
            refill(f.name(), f.credits() ? Integer.MAX_VALUE : 0);
        }
        refill(BARE_COUNTER, Integer.MAX_VALUE);
        RunBenchmarks.deleteTree(journal);
        try {
            Files.createDirectory(journal, OWNER_ONLY);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a fresh journal folder " + journal + ": " + e.getMessage(), e);
        }
    }

    private void refill(String name, int start) {
        Optional<DataObject> object = key.find(name);
        if (object.isPresent()) {
            int value = object.get().intValue();
            moved.merge(name, Math.abs((long) start - value), Long::sum);
            object.get().setIntValue(start);
        }
    }

    /** How far each counter moved over all forks so far, warm-up included: one request per strict call. */
    synchronized String moved() {
        StringBuilder line = new StringBuilder("# Emulator counters moved during the run (warm-up included):");
        for (RunBenchmarks.Feature f : RunBenchmarks.FEATURES) {
            line.append(' ').append(f.name()).append(' ').append(moved(f.name(), f.credits() ? Integer.MAX_VALUE : 0))
                    .append(',');
        }
        return line.append(' ').append(BARE_COUNTER).append(' ').append(moved(BARE_COUNTER, Integer.MAX_VALUE)).toString();
    }

    private long moved(String name, int start) {
        long now = key.find(name).map(o -> Math.abs((long) start - o.intValue())).orElse(0L);
        return moved.getOrDefault(name, 0L) + now;
    }

    @Override
    public void close() {
        emulator.close();
    }

    /** The token is written into the config file, which lives in a folder only this user can read. */
    private Path writeConfig(Path dir, String token) throws IOException {
        StringBuilder yaml = new StringBuilder();
        yaml.append("backend: cryptolens\n");
        yaml.append("cryptolens:\n");
        yaml.append("  url: ").append(emulator.url()).append('\n');
        yaml.append("  token: ").append(token).append('\n');
        yaml.append("  productId: ").append(PRODUCT_ID).append('\n');
        yaml.append("  key: ").append(LICENSE_KEY).append('\n');
        yaml.append("journal:\n  dir: ").append(journal).append('\n');
        yaml.append("features:\n");
        RunBenchmarks.FEATURES.forEach(f -> yaml.append(f.yaml("cryptolens")));
        yaml.append("log:\n  level: warn\n");
        return Files.writeString(dir.resolve("tollgate.yml"), yaml);
    }
}
