package dev.tollgate.agent.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code status} for people: a block per feature.
 *
 * <pre>
 * export: credits, leased
 *   balance      997 credits left
 *   unconfirmed  3 units
 *   leases       97 credits held by 1 running process
 *   journals     export.5f3a9c.journal: pid 4242 (running), 3 used, 3 unconfirmed, 97 held
 *   grace        not needed: the local ledger is on this machine
 *   last sync    2026-12-03T09:50:12Z (12 s ago)
 * </pre>
 */
final class StatusText {

    private final PrintStream out;
    private final long now;

    StatusText(PrintStream out, long now) {
        this.out = out;
        this.now = now;
    }

    void print(String config, String backend, List<FeatureStatus> features) {
        out.println("tollgate status: " + config);
        out.println("backend: " + backend);
        if (features.isEmpty()) {
            out.println();
            out.println("No features are configured.");
        }
        for (FeatureStatus f : features) {
            out.println();
            feature(f);
        }
    }

    private void feature(FeatureStatus f) {
        out.println(f.name + ": " + (f.credits ? "credits" : "usage") + ", " + f.sync
                + (f.counter.equals(f.name) ? "" : " (counter " + f.counter + ")"));
        if (f.error != null) {
            row("error", f.error);
        }
        row("balance", balance(f));
        long unconfirmed = f.unconfirmed();
        row("unconfirmed", unconfirmed == 0 ? "none" : units(unconfirmed));
        row("leases", leases(f));
        boolean first = true;
        for (FeatureStatus.JournalStatus j : f.journals) {
            row(first ? "journals" : "", journal(j));
            first = false;
        }
        if (f.grace != null || f.graceNote != null) {
            row("grace", f.grace == null ? f.graceNote : grace(f.grace));
        }
        row("last sync", f.lastSync == null ? "none recorded" : Times.iso(f.lastSync) + " ("
                + Times.duration(now - f.lastSync) + " ago)");
    }

    private static String balance(FeatureStatus f) {
        if (f.balance == null) {
            return "unknown";
        }
        String opening = f.neverUsed ? " (opening balance: the counter has not been used yet)" : "";
        if (f.credits) {
            return plural(f.balance, "credit") + " left" + (f.bound == 0 ? "" : " above the bound of " + f.bound)
                    + opening;
        }
        return units(f.balance) + " used" + (f.cap == null ? ", no cap" : " of a cap of " + f.cap) + opening;
    }

    private static String leases(FeatureStatus f) {
        int running = 0;
        for (FeatureStatus.JournalStatus j : f.journals) {
            if (Boolean.TRUE.equals(j.running)) {
                running++;
            }
        }
        if (running == 0) {
            return "none held by a running process";
        }
        String what = f.credits ? plural(f.heldByRunning(), "credit") : "room for " + units(f.heldByRunning());
        return what + " held by " + plural(running, "running process", "running processes");
    }

    private static String journal(FeatureStatus.JournalStatus j) {
        if (j.problem != null) {
            return j.problem;
        }
        String who = j.running == null ? "process unknown (this system does not list file locks)"
                : j.running ? "pid " + j.pid + " (running)" : "process ended (the next start settles it)";
        return j.file + ": " + who + ", " + j.used + " used, " + j.unconfirmed + " unconfirmed, " + j.held + " held"
                + (j.pending == null ? "" : ", a lost " + j.pending + " step to read back");
    }

    private static String grace(FeatureStatus.Grace g) {
        StringBuilder b = new StringBuilder();
        if (g.units != null) {
            b.append(g.unitsLeft).append(" of ").append(units(g.units)).append(" left");
        }
        if (g.millis != null) {
            b.append(b.length() == 0 ? "" : ", ").append(Times.duration(g.millisLeft)).append(" of ")
                    .append(Times.duration(g.millis)).append(" left (counted from the last sync)");
        }
        return b.toString();
    }

    private void row(String key, String value) {
        StringBuilder b = new StringBuilder("  ").append(key);
        while (b.length() < 15) {
            b.append(' ');
        }
        out.println(b.append(value));
    }

    private static String units(long n) {
        return plural(n, "unit");
    }

    private static String plural(long n, String one) {
        return plural(n, one, one + "s");
    }

    private static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
