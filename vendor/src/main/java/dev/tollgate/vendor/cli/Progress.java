package dev.tollgate.vendor.cli;

import dev.tollgate.vendor.api.KeyProgress;
import java.io.PrintStream;

/**
 * A one-line progress bar on stderr ({@code \r}-rewritten), for work that spans many keys. Shown when
 * the tool runs in a terminal, or always with {@code --progress}; never with {@code --no-progress}.
 * Nothing is written for fewer than {@link #MIN_KEYS} keys.
 */
final class Progress implements KeyProgress {
    static final int MIN_KEYS = 50;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean enabled;
    private final String label;
    private int total;
    private int done;
    private int shown = -1;

    Progress(PrintStream err, boolean enabled, String label) {
        this.err = err;
        this.enabled = enabled;
        this.label = label;
    }

    /** On when asked for, off when asked not to be, else on only in a terminal. */
    static boolean wanted(Boolean flag) {
        return flag != null ? flag : System.console() != null;
    }

    @Override
    public void total(int keys) {
        total = keys;
    }

    @Override
    public void keyDone() {
        done++;
        if (!enabled || total < MIN_KEYS) {
            return;
        }
        int percent = (int) (100L * Math.min(done, total) / total);
        if (percent != shown) {
            shown = percent;
            int filled = WIDTH * percent / 100;
            err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total + " keys");
            err.flush();
        }
    }

    /** Ends the bar's line, if one was drawn. */
    void finish() {
        if (shown >= 0) {
            err.println();
            err.flush();
            shown = -1;
        }
    }
}
