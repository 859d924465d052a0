package dev.tollgate.agent.backend.cryptolens;

import static dev.tollgate.agent.backend.cryptolens.Fixture.TOKEN;
import static dev.tollgate.agent.backend.cryptolens.Fixture.list;
import static dev.tollgate.agent.backend.cryptolens.Fixture.ok;
import static dev.tollgate.agent.backend.cryptolens.Fixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Outcome;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;

/** The token never shows up in an outcome, a warning, a description or a settings text. */
class CryptolensSecretsTest {

    private static final String ENCODED = URLEncoder.encode(TOKEN, StandardCharsets.UTF_8);

    @Test
    void theTokenTravelsOnlyInTheFormBody() {
        try (Fixture f = new Fixture()) {
            f.reply(list());
            f.backend().read("credits");

            RecordedRequest r = f.take();
            assertThat(r.getUrl().toString()).doesNotContain(TOKEN).doesNotContain(ENCODED);
            assertThat(r.getHeaders().toString()).doesNotContain(TOKEN).doesNotContain(ENCODED);
            assertThat(r.getBody().utf8()).contains("token=" + ENCODED);
        }
    }

    @Test
    void noFailureTextEverContainsTheToken() {
        Fixture f = new Fixture();
        try {
            CryptolensBackend b = f.backend(f.settings().readTimeout(Duration.ofMillis(200)).build());
            // A server that echoes the token wherever it can.
            f.reply(refused("Unable to authenticate with token " + TOKEN));
            f.seen(b.read("c"));
            f.reply(refused("Access denied for " + ENCODED));
            f.seen(b.read("c"));
            f.reply(refused("Your plan forbids " + TOKEN));
            f.seen(b.read("c"));
            f.reply(500, "<html>token=" + TOKEN + "</html>");
            f.seen(b.read("c"));
            f.reply(200, "not json " + ENCODED);
            f.seen(b.read("c"));
            f.reply("{\"message\":\"" + TOKEN + "\"}");
            f.seen(b.read("c"));
            f.reply("{\"result\":\"" + TOKEN + "\"}");
            f.seen(b.read("c"));
            f.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "https://x/?token=" + ENCODED)
                    .build());
            f.seen(b.read("c"));
            f.reply(list(1, "c", 1));
            f.reply(refused("Bound " + TOKEN));
            f.reply(list(1, "c", 1));
            f.seen(b.take("c", 5, 0));
            f.reply(refused("Feature lock " + TOKEN));
            f.reply(list(1, "c", 100));
            f.seen(b.take("c", 5, 0));
            f.reply(refused("Something went wrong. " + TOKEN));
            f.seen(b.take("c", 5, 0));
            f.reply(list());
            f.reply(refused("Duplicate " + TOKEN));
            f.reply(list());
            f.seen(b.add("u", 1, Backend.NO_CAP));
            f.enqueue(new MockResponse.Builder().body(ok()).headersDelay(1, TimeUnit.SECONDS).build());
            f.seen(b.take("c", 1, 0));
            f.enqueue(new MockResponse.Builder().body(ok()).onResponseStart(new SocketEffect.CloseSocket()).build());
            f.seen(b.take("c", 1, 0));
            f.reply(list(1, "dup", 1, 2, "dup", 2));
            f.seen(b.read("dup"));
            f.reply(list());
            f.seen(b.take("missing", 1, 0));

            // The token straddling the point where long texts are cut.
            for (int pad = 60; pad <= 500; pad += 20) {
                String padding = "p".repeat(pad);
                f.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "https://x/" + padding + TOKEN)
                        .build());
                f.seen(b.read("c"));
                f.reply("{\"result\":\"" + padding + TOKEN + "\"}");
                f.seen(b.read("c"));
                f.reply(200, padding + TOKEN);
                f.seen(b.read("c"));
                f.reply(refused(padding + TOKEN));
                f.seen(b.read("c"));
                CryptolensBackend longFailure = f.backend(f.settings().build(), builder -> builder.addInterceptor(
                        chain -> {
                            throw new IOException(padding + TOKEN);
                        }));
                f.seen(longFailure.read("c"));
                CryptolensBackend longCrash = f.backend(f.settings().build(), builder -> builder.addInterceptor(
                        chain -> {
                            throw new IllegalStateException(padding + TOKEN);
                        }));
                f.seen(longCrash.read("c"));
            }

            // The HTTP client itself failing with the token in its message.
            CryptolensBackend failing = f.backend(f.settings().build(), builder -> builder.addInterceptor(chain -> {
                throw new IOException("failed on " + chain.request().url() + " with " + TOKEN);
            }));
            f.seen(failing.read("c"));
            CryptolensBackend crashing = f.backend(f.settings().build(), builder -> builder.addInterceptor(chain -> {
                throw new IllegalStateException(ENCODED);
            }));
            f.seen(crashing.take("c", 1, 0));

            // Settings that put the token where it does not belong.
            f.seen(f.backend(f.settings().url("http://" + TOKEN + ".example").build()).read("c"));
            f.seen(f.backend(f.settings().url("http://x/?" + ENCODED).build()).read("c"));
        } finally {
            f.close();
        }

        assertThat(f.texts).hasSizeGreaterThan(40);
        assertThat(f.warnings).hasSize(3 + 23);
        String head = TOKEN.substring(0, 8);
        assertThat(f.texts).allSatisfy(text -> assertThat(text).doesNotContain(head)
                .doesNotContain(ENCODED.substring(0, 8)));
        assertThat(String.join("\n", f.texts)).contains(Redactor.MASK);
    }

    @Test
    void theRedactorMasksPlainAndFormEncodedTokens() {
        Redactor r = new Redactor("a+b/c=");

        assertThat(r.apply("x a+b/c= y a%2Bb%2Fc%3D z")).isEqualTo("x <redacted> y <redacted> z");
        assertThat(r.apply(null)).isNull();
        assertThat(new Redactor(null).apply("a+b/c=")).isEqualTo("a+b/c=");
        assertThat(new Redactor("").apply("text")).isEqualTo("text");
    }

    @Test
    void outcomesOfSettingsWithoutATokenAreFine() {
        try (Fixture f = new Fixture()) {
            Outcome o = f.seen(f.backend(f.settings().token(null).build()).read("c"));

            assertThat(o.detail()).contains("cryptolens.token is missing");
        }
    }

    @Test
    void theJournalFolderIsNamedByProductAndAHashOfTheKeyNeverByTheKeyOrToken() {
        try (Fixture f = new Fixture()) {
            String scope = f.backend().journalScope();
            String other = f.backend(f.settings().key("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ").build()).journalScope();
            String machine = f.backend(f.settings().machineCode("host-1").build()).journalScope();

            assertThat(scope).matches("cryptolens-1234-[0-9a-f]{16}");
            assertThat(scope).doesNotContain(Fixture.KEY).doesNotContain(Fixture.TOKEN);
            assertThat(other).as("another key, another folder").isNotEqualTo(scope);
            assertThat(machine).as("another machine code, another folder").isNotEqualTo(scope);
            assertThat(f.backend().journalScope()).as("stable").isEqualTo(scope);
        }
    }
}
