package dev.tollgate.agent.meter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.log.Log;

/** What both kinds of {@link Account} share: the counter, its model and bound, and this process's journal. */
abstract class JournaledAccount implements Account {

    final String counter;
    final boolean credits;
    /** Credits: the floor; usage: the cap, or {@link Backend#NO_CAP}. */
    final long bound;
    volatile Journal journal;

    JournaledAccount(String counter, boolean credits, long bound) {
        this.counter = counter;
        this.credits = credits;
        this.bound = bound;
    }

    @Override
    public final Journal journal() {
        return journal;
    }

    @Override
    public final boolean bounded() {
        return credits || bound != Backend.NO_CAP;
    }

    /**
     * The journals of this counter in {@code dir}, other than {@code except}, whose process has ended: locked
     * for the caller, who settles or adopts each and then deletes or closes it. A corrupt journal is reported
     * once and left alone.
     */
    final List<Journal> ended(Path dir, Journal except) throws IOException {
        List<Journal> ended = new ArrayList<>();
        for (Path p : Journal.of(dir, counter, except)) {
            try {
                Journal j = Journal.adopt(p, credits);
                if (j != null) {
                    ended.add(j); // else a live process holds it
                }
            } catch (Journal.CorruptException e) {
                Log.errorOnce("corrupt:" + p, e.getMessage());
            } catch (IOException e) {
                // Deleted meanwhile by another process that settled it.
            }
        }
        return ended;
    }
}
