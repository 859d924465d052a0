package dev.tollgate.agent.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a folder named in the config ({@code local.dir}, {@code journal.dir}) can be one on this machine,
 * checked when the config is read so that the problem names the key and its line rather than surfacing
 * later as a ledger or journal that cannot be used. Only what can never work is refused: the path, or a
 * folder it would be created in, is a file. A folder that does not exist yet is created when first used.
 *
 * <pre>{@code
 * Folders.whyNot(Paths.get("/etc/hostname/ledger"));   // "/etc/hostname is a file, not a folder"
 * }</pre>
 */
final class Folders {

    private Folders() {
    }

    /** Why {@code dir} cannot be a folder, or {@code null} when it is one or may be created. */
    static String whyNot(Path dir) {
        try {
            for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
                if (Files.isDirectory(p)) {
                    return null;
                }
                if (Files.exists(p)) {
                    return p + " is a file, not a folder";
                }
            }
        } catch (RuntimeException e) {
            return null; // cannot tell here; the ledger or journal says so when it is used
        }
        return null;
    }
}
