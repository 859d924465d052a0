package dev.tollgate.agent.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Binds {@code journal:}; every key has a default (see {@link JournalSettings#defaults()}), and {@code dir}
 * resolves like {@code local.dir}.
 *
 * <pre>{@code
 * journal:
 *   dir: ~/.acme/journal
 *   fsync: interval
 *   fsyncEvery: 1s
 * }</pre>
 */
final class JournalBinder {

    private final Values values;

    JournalBinder(Values values) {
        this.values = values;
    }

    JournalSettings bind(YamlNode node) {
        JournalSettings defaults = JournalSettings.defaults();
        Map<String, YamlNode> j = values.mapping(node, "journal");
        if (j == null) {
            return defaults;
        }
        values.allowOnly(j, "journal", "dir", "fsync", "fsyncEvery");
        Path dir = defaults.dir();
        if (j.containsKey("dir")) {
            dir = values.folder(j.get("dir"), "journal.dir", "the journal");
        }
        JournalSettings.Fsync fsync = defaults.fsync();
        boolean fsyncKnown = true;
        if (j.containsKey("fsync")) {
            String f = values.choice(j.get("fsync"), "journal.fsync", "never", "interval", "always");
            fsyncKnown = f != null;
            if (f != null) {
                fsync = JournalSettings.Fsync.valueOf(f.toUpperCase(Locale.ROOT));
            }
        }
        long every = defaults.fsyncEveryMillis();
        if (j.containsKey("fsyncEvery")) {
            Long ms = values.duration(j.get("fsyncEvery"), "journal.fsyncEvery");
            if (ms != null) {
                every = ms;
                if (fsyncKnown && fsync != JournalSettings.Fsync.INTERVAL) {
                    values.problem(j.get("fsyncEvery"), "journal.fsyncEvery", "applies only with fsync: interval; "
                            + "fsync here is " + fsync.name().toLowerCase(Locale.ROOT));
                }
            }
        }
        return new JournalSettings(dir, fsync, every);
    }
}
