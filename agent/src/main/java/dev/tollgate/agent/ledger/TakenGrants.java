package dev.tollgate.agent.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The grants an install has taken, one line each ({@code key id feature units time}), kept in two places: the
 * ledger folder's {@code grants.taken} and {@code grants.taken} in the witness folder under the user's home
 * (shared by every ledger of that user, so a grant taken in one ledger folder is not taken again in another).
 * A grant is taken when either place lists it, so deleting or editing one of them gives nothing back.
 *
 * <pre>{@code
 * TakenGrants taken = new TakenGrants(ledgerDir.resolve("grants.taken"), witnessRoot.resolve("grants.taken"));
 * if (taken.when(key, id) == null) { ... taken.record(key, id, "export", 1000); }
 * }</pre>
 */
final class TakenGrants {

    private final Path[] files;

    TakenGrants(Path inLedger, Path inWitness) {
        this.files = new Path[] {inLedger, inWitness};
    }

    /** When the grant {@code id} signed with {@code key} was taken, or {@code null} when it was not. */
    String when(String key, String id) throws IOException {
        String prefix = key + " " + id + " ";
        for (Path f : files) {
            if (!Files.exists(f)) {
                continue;
            }
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.startsWith(prefix)) {
                    String[] parts = line.split(" ");
                    return parts.length >= 5 ? parts[4] : "an earlier run";
                }
            }
        }
        return null;
    }

    /** Adds the grant to both lists, forced to disk. */
    void record(String key, String id, String feature, long units) throws IOException {
        String line = key + " " + id + " " + feature + " " + units + " " + java.time.Instant.now() + "\n";
        List<IOException> failed = new ArrayList<>();
        for (Path f : files) {
            try {
                Files.createDirectories(f.getParent());
                try (FileChannel c = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
                    ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
                    while (b.hasRemaining()) {
                        c.write(b);
                    }
                    c.force(false);
                }
            } catch (IOException e) {
                failed.add(e);
            }
        }
        if (failed.size() == files.length) {
            throw failed.get(0);
        }
    }
}
