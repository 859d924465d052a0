package dev.tollgate.agent.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code status} shows of one feature: read from the ledger or backend and the journals, never changed.
 * Filled in by {@link StatusReader}; shown by {@link StatusText} and, as {@link #toMap()}, as JSON.
 */
final class FeatureStatus {

    final String name;
    final boolean credits;
    final String sync;
    final String counter;
    /** Credits left above the bound, or units used; null when it could not be read. */
    Long balance;
    /** Credits: the lowest balance (the bound). */
    long bound;
    /** Usage: the cap, or null for none. */
    Long cap;
    /** Local ledger: the counter has no file yet, so it has its opening value. */
    boolean neverUsed;
    final List<JournalStatus> journals = new ArrayList<>();
    /** Grace left offline, or null when the feature has no grace ({@code onBackendFailure} other than grace). */
    Grace grace;
    /** Why there is no grace to show although the feature has one (the local ledger is never offline). */
    String graceNote;
    /** When the backend last answered ({@code currentTimeMillis}), or null when nothing recorded it. */
    Long lastSync;
    /** Why the balance could not be read, or null. */
    String error;

    FeatureStatus(String name, boolean credits, String sync, String counter) {
        this.name = name;
        this.credits = credits;
        this.sync = sync;
        this.counter = counter;
    }

    /** Units served and not yet confirmed by the backend, over all journals. */
    long unconfirmed() {
        long sum = 0;
        for (JournalStatus j : journals) {
            sum += j.unconfirmed;
        }
        return sum;
    }

    /** Units held by the journals of running processes: credits leased and not spent, or room kept under a cap. */
    long heldByRunning() {
        long sum = 0;
        for (JournalStatus j : journals) {
            if (Boolean.TRUE.equals(j.running)) {
                sum += j.held;
            }
        }
        return sum;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("mode", credits ? "credits" : "usage");
        m.put("sync", sync);
        m.put("counter", counter);
        m.put(credits ? "creditsLeft" : "used", balance);
        if (credits) {
            m.put("bound", bound);
        } else {
            m.put("cap", cap);
        }
        m.put("unconfirmed", unconfirmed());
        m.put("heldByRunningProcesses", heldByRunning());
        List<Object> js = new ArrayList<>();
        for (JournalStatus j : journals) {
            js.add(j.toMap());
        }
        m.put("journals", js);
        m.put("grace", grace == null ? null : grace.toMap());
        m.put("lastSync", lastSync == null ? null : Times.iso(lastSync));
        m.put("error", error);
        return m;
    }

    /** One journal of the feature: a process's units not yet confirmed, and what its grant or lease holds. */
    static final class JournalStatus {
        final String file;
        final String id;
        /** True: its process runs (it holds the lock); false: it ended; null: cannot be told here. */
        Boolean running;
        Long pid;
        long used;
        long unconfirmed;
        long held;
        /** A step sent whose answer was lost ("take" or "add"), read back by the next start; null: none. */
        String pending;
        String problem;

        JournalStatus(String file, String id) {
            this.file = file;
            this.id = id;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file);
            m.put("id", id);
            m.put("running", running);
            m.put("pid", pid);
            m.put("used", used);
            m.put("unconfirmed", unconfirmed);
            m.put("held", held);
            m.put("pending", pending);
            m.put("problem", problem);
            return m;
        }
    }

    /** {@code onBackendFailure: grace}: the limits and what is left of them. */
    static final class Grace {
        /** {@code grace.units} or null; and what is left of it. */
        Long units;
        Long unitsLeft;
        /** {@code grace.time} in milliseconds or null; and what is left of it, counted from the last sync. */
        Long millis;
        Long millisLeft;

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("units", units);
            m.put("unitsLeft", unitsLeft);
            m.put("timeMillis", millis);
            m.put("timeLeftMillis", millisLeft);
            return m;
        }
    }
}
