package dev.tollgate.agent;

import java.time.Duration;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.cryptolens.CryptolensBackend;
import dev.tollgate.agent.backend.cryptolens.CryptolensSettings;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.log.Log;

/** Builds the configured backend. Nothing here connects: backends open connections on first use. */
final class Backends {

    private Backends() {
    }

    static Backend cryptolens(Config.Cryptolens c) {
        CryptolensSettings settings = CryptolensSettings.builder()
                .url(c.url())
                .token(c.token())
                .productId((int) c.productId())
                .key(c.key())
                .machineCode(c.machineCode())
                .allowInsecure(c.allowInsecure())
                .connectTimeout(Duration.ofMillis(c.connectTimeoutMillis()))
                .readTimeout(Duration.ofMillis(c.readTimeoutMillis()))
                .build();
        // The config reader already reported what settings.problems() would; the backend refuses to send anyway.
        return new CryptolensBackend(settings, Log::warn);
    }
}
