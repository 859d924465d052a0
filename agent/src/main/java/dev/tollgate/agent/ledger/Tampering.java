package dev.tollgate.agent.ledger;

import java.io.IOException;
import java.nio.file.Path;

import dev.tollgate.agent.log.Log;

/**
 * Holds a counter file's newest record against its {@link Witness}, and words what it finds: one line that names
 * the file, what was wrong, and how to resolve it. Every finding denies the counter's feature until resolved;
 * nothing is reset and nothing rolled back.
 *
 * <p>The witness is written after the counter record, under the counter's lock, so:
 * <ul>
 * <li>a record <em>ahead</em> of the witness is a step that never returned: the process died between the two
 *     writes, or the newest record was torn while being written and the older one is exactly the witnessed step.
 *     It stands (the same holds for a record written by a process whose witness is elsewhere, another user's);
 * <li>a record <em>behind</em> the witness is an older copy of the file put back, or, when the newer region is
 *     damaged, what is left after a step that had returned was damaged: it is never used;
 * <li>a record <em>at</em> the witnessed step with another value or kind was edited;
 * <li>an empty or missing file that the witness knows was deleted or emptied: the opening balance is not
 *     granted again;
 * <li>no witness (a ledger of an earlier version, or a witness removed alone): the counter still holds all its
 *     use, so it is adopted, witnessed from now on, and said so in one line.
 * </ul>
 *
 * <pre>{@code
 * Tampering.vouch(path, witness, newest, witness.read(), damaged, false);   // throws CorruptException when not
 * }</pre>
 */
final class Tampering {

    private static final String RESOLVE = ". Put back the latest copy of the file, or ask the vendor of the product";

    private Tampering() {
    }

    static void vouch(Path path, Witness witness, Current newest, Witness.Entry w, boolean damaged, boolean force)
            throws IOException {
        if (w == null || w == Witness.DAMAGED) {
            witness.write(newest.seq, newest.value, newest.kind, force);
            Log.info("ledger file " + path + (w == null ? " had no witness" : " had a damaged witness")
                    + " (a ledger of an earlier version, or its witness was removed): " + witness.path()
                    + " records it from now on, at step " + newest.seq);
            return;
        }
        if (newest.seq < w.seq) {
            throw damaged ? rolledBack(path, newest, witness.path(), w) : older(path, newest, witness.path(), w);
        }
        if (newest.seq == w.seq && (newest.value != w.value || newest.kind != w.kind)) {
            throw edited(path, newest, witness.path(), w);
        }
    }

    static CounterFile.CorruptException lost(Path path, Path witness, Witness.Entry w) {
        return new CounterFile.CorruptException("ledger file " + path + " was deleted or emptied, but the ledger's "
                + "witness " + witness + " recorded it at step " + w.seq + " with value " + w.value
                + ": its use stays recorded, its opening balance is not granted again, and its feature is denied"
                + RESOLVE);
    }

    static CounterFile.CorruptException unreadable(Path path, long size, Path witness, Witness.Entry w) {
        return new CounterFile.CorruptException("ledger file " + path + " is damaged (" + size + " bytes, no "
                + "readable record), and the ledger's witness " + witness + " recorded it at step " + w.seq
                + " with value " + w.value + ": it was not reset, and its feature is denied" + RESOLVE);
    }

    static CounterFile.CorruptException older(Path path, Current c, Path witness, Witness.Entry w) {
        return new CounterFile.CorruptException("ledger file " + path + " is an older copy: it holds step " + c.seq
                + " with value " + c.value + ", but the ledger's witness " + witness + " recorded step " + w.seq
                + " with value " + w.value + ": it was not used, and its feature is denied" + RESOLVE);
    }

    static CounterFile.CorruptException rolledBack(Path path, Current c, Path witness, Witness.Entry w) {
        return new CounterFile.CorruptException("ledger file " + path + " is damaged: its newest record fails its "
                + "checksum, and the record before it (step " + c.seq + ", value " + c.value + ") is older than the "
                + "step " + w.seq + " (value " + w.value + ") that the ledger's witness " + witness + " recorded: "
                + "it was not rolled back, and its feature is denied" + RESOLVE);
    }

    static CounterFile.CorruptException edited(Path path, Current c, Path witness, Witness.Entry w) {
        return new CounterFile.CorruptException("ledger file " + path + " was edited: its step " + c.seq
                + " holds value " + c.value + " (kind " + c.kind + "), but the ledger's witness " + witness
                + " recorded value " + w.value + " (kind " + w.kind + ") for that step: it was not used, and its "
                + "feature is denied" + RESOLVE);
    }
}
