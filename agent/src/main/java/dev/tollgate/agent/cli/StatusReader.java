package dev.tollgate.agent.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.config.Feature;
import dev.tollgate.agent.journal.Journal;
import dev.tollgate.agent.journal.JournalSnapshot;
import dev.tollgate.agent.journal.JournalState;
import dev.tollgate.agent.ledger.CounterSnapshot;

/**
 * Reads one feature's {@link FeatureStatus} the way the agent counts it, changing nothing: the counter (a ledger
 * file read without its lock, or the backend's read-only {@link Backend#read}), the journals (read-only copies),
 * and whether their processes run (from the lock list, see {@link LockHolders}).
 *
 * <p>The balance is {@code Tollgate.balance}'s: on the local ledger the counter less the use that journals hold
 * unconfirmed (credits) or plus it (usage); on a remote backend, whose leases already left the counter, the credits
 * leased and not spent are added back.
 */
final class StatusReader {

    private final LockHolders locks;
    private final long now;

    StatusReader(LockHolders locks, long now) {
        this.locks = locks;
        this.now = now;
    }

    /** A feature on the local ledger in {@code ledger}, with its journals in {@code journals}. */
    FeatureStatus local(Feature f, long opening, Path ledger, Path journals) {
        FeatureStatus s = base(f);
        Path file = CounterSnapshot.file(ledger, f.counter());
        CounterSnapshot c = null;
        try {
            c = CounterSnapshot.read(file);
            if (c.credits() != null && c.credits() != s.credits) {
                s.error = "ledger file " + file + " holds a " + (c.credits() ? "credits" : "usage")
                        + " counter, but the feature is configured as " + (s.credits ? "credits" : "usage");
                return s;
            }
        } catch (NoSuchFileException e) {
            s.neverUsed = true;
        } catch (IOException e) {
            s.error = e.getMessage() == null ? "ledger file " + file + " cannot be read: " + e : e.getMessage();
            return s;
        }
        long value = c == null || c.neverWritten() ? (s.credits ? opening : 0) : c.value();
        for (JournalSnapshot j : journals(journals, f, s)) {
            FeatureStatus.JournalStatus js = journal(j);
            CounterSnapshot.Held grant = c == null ? null : c.grantOf(j.id());
            if (grant != null) {
                // No grant: settled already (the file waits to be deleted), or nothing was ever reserved.
                js.unconfirmed = Math.max(0, j.used() - grant.confirmed());
                js.held = Math.max(0, grant.reserved() - j.used());
            }
            s.journals.add(js);
        }
        s.balance = s.credits ? value - s.bound - s.unconfirmed() : value + s.unconfirmed();
        if (c != null) {
            s.lastSync = later(s.lastSync, lastModified(file));
        }
        if (f.onBackendFailure() == Feature.OnFailure.GRACE) {
            s.graceNote = "not needed: the local ledger is on this machine";
        }
        return s;
    }

    /** A feature on a remote backend, with its journals in {@code journals}. */
    FeatureStatus remote(Feature f, Backend backend, Path journals) {
        FeatureStatus s = base(f);
        Outcome o = backend.read(f.counter());
        long adjust = 0;
        for (JournalSnapshot j : journals(journals, f, s)) {
            FeatureStatus.JournalStatus js = journal(j);
            JournalState st = j.state();
            if (st != null) {
                if (s.credits) {
                    js.held = Math.max(0, st.granted - j.used());
                    js.unconfirmed = Math.max(0, j.used() - st.granted);
                    adjust += st.granted - j.used();
                } else {
                    js.unconfirmed = Math.max(0, j.used() - st.confirmed);
                    adjust += j.used() - st.confirmed;
                }
            }
            s.journals.add(js);
        }
        if (o.isGranted() && o.value() != Outcome.UNKNOWN) {
            s.balance = s.credits ? o.value() - s.bound + adjust : o.value() + adjust;
        } else {
            s.error = "the backend did not answer: " + o;
        }
        s.lastSync = later(s.lastSync, marker(journals.resolve(f.counter() + ".synced")));
        if (f.onBackendFailure() == Feature.OnFailure.GRACE) {
            s.grace = grace(f, s);
        }
        return s;
    }

    private static FeatureStatus base(Feature f) {
        boolean credits = f.mode() == Feature.Mode.CREDITS;
        FeatureStatus s = new FeatureStatus(f.name(), credits,
                f.sync().strategy().name().toLowerCase(Locale.ROOT), f.counter());
        s.bound = f.lowerBound();
        s.cap = credits ? null : f.bound();
        return s;
    }

    private List<JournalSnapshot> journals(Path dir, Feature f, FeatureStatus s) {
        try {
            List<JournalSnapshot> all = JournalSnapshot.of(dir, f.counter());
            for (JournalSnapshot j : all) {
                if (j.state() != null) {
                    s.lastSync = later(s.lastSync, j.state().lastSync);
                }
            }
            return all;
        } catch (IOException e) {
            s.error = "cannot list the journals in " + dir + ": " + e;
            return java.util.Collections.emptyList();
        }
    }

    private FeatureStatus.JournalStatus journal(JournalSnapshot j) {
        FeatureStatus.JournalStatus js = new FeatureStatus.JournalStatus(j.path().getFileName().toString(),
                Long.toHexString(j.id()));
        js.problem = j.problem();
        js.used = j.used();
        if (j.state() != null && j.state().pending != null) {
            js.pending = j.state().pending.name().toLowerCase(Locale.ROOT);
        }
        long pid = locks.holder(j.path());
        if (pid != LockHolders.UNKNOWN) {
            js.running = pid != LockHolders.NONE;
            js.pid = js.running ? pid : null;
        }
        return js;
    }

    /** What is left of the grace: {@code grace.units} less what is served offline, {@code grace.time} from the last sync. */
    private FeatureStatus.Grace grace(Feature f, FeatureStatus s) {
        FeatureStatus.Grace g = new FeatureStatus.Grace();
        long units = f.sync().graceUnits();
        long millis = f.sync().graceMillis();
        if (units > 0) {
            g.units = units;
            g.unitsLeft = Math.max(0, units - s.unconfirmed());
        }
        if (millis > 0) {
            g.millis = millis;
            g.millisLeft = s.lastSync == null ? millis : Math.max(0, millis - (now - s.lastSync));
        }
        return g;
    }

    private static Long later(Long a, long b) {
        if (b <= 0) {
            return a;
        }
        return a == null || b > a ? b : a;
    }

    private static long lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** {@code <counter>.synced}: when the backend last answered, left by a run whose journal was emptied. */
    private static long marker(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            return b.length == 8 ? ByteBuffer.wrap(b).getLong() : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
