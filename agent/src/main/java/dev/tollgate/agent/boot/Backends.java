package dev.tollgate.agent.boot;

import java.nio.file.Path;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Breaker;
import dev.tollgate.agent.backend.cryptolens.CryptolensBackend;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.CryptolensSettings;
import dev.tollgate.agent.config.JournalSettings;
import dev.tollgate.agent.ledger.LocalLedger;
import dev.tollgate.agent.log.Log;

/** Builds the configured backend. Nothing here connects: backends open connections on first use. */
public final class Backends {

    private Backends() {
    }

    /** The backend a valid config names. */
    static Backend of(Config config) {
        switch (config.backend()) {
            case CRYPTOLENS:
                return cryptolens(config.cryptolens());
            case LOCAL:
            default:
                Path journals = config.journal().dir();
                LocalLedger ledger = journals == null ? new LocalLedger(config.ledgerDir(), config.openingCredits())
                        : new LocalLedger(config.ledgerDir(), config.openingCredits(), journals);
                // Per write only with fsync: always; under interval the sync thread forces the files it uses.
                ledger.forceWrites(config.journal().fsync() == JournalSettings.Fsync.ALWAYS);
                ledger.acceptTopUps(config.customer(), creditsCounters(config));
                return ledger;
        }
    }

    /** Each credits feature's counter, by feature name: what a vendor's top-up may add to. */
    private static java.util.Map<String, String> creditsCounters(Config config) {
        java.util.Map<String, String> counters = new java.util.HashMap<>();
        for (dev.tollgate.agent.config.Feature f : config.features().values()) {
            if (f.mode() == dev.tollgate.agent.config.Feature.Mode.CREDITS) {
                counters.put(f.name(), f.counter());
            }
        }
        return counters;
    }

    public static Backend cryptolens(CryptolensSettings settings) {
        // The config reader already reported what settings.problems() would; the backend refuses to send anyway.
        // The breaker keeps a backend that hangs from costing every paid call a read timeout.
        return new Breaker(new CryptolensBackend(settings, Log::warn), Log::warn, Log::info);
    }
}
