package dev.tollgate.agent.backend.cryptolens;

import static dev.tollgate.agent.backend.cryptolens.Fixture.KEY;
import static dev.tollgate.agent.backend.cryptolens.Fixture.TOKEN;
import static dev.tollgate.agent.backend.cryptolens.Fixture.added;
import static dev.tollgate.agent.backend.cryptolens.Fixture.form;
import static dev.tollgate.agent.backend.cryptolens.Fixture.list;
import static dev.tollgate.agent.backend.cryptolens.Fixture.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Outcome;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What goes over the wire: paths, form fields, encoding. */
class CryptolensRequestsTest {

    private final Fixture f = new Fixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void listPostsTokenProductKeyAndContainsAsAUtf8Form() {
        f.reply(list(7, "credits", 40));

        f.backend().read("credits");

        RecordedRequest r = f.take();
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getUrl().encodedPath()).isEqualTo("/api/data/ListDataObjectsToKey");
        assertThat(r.getUrl().query()).isNull();
        assertThat(r.getHeaders().get("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(r.getHeaders().get("Accept")).isEqualTo("application/json");
        assertThat(form(r)).containsExactly(entry("token", TOKEN), entry("ProductId", "1234"), entry("Key", KEY),
                entry("Contains", "credits"));
        assertThat(r.getBody().utf8()).startsWith("token=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8) + "&");
    }

    @Test
    void decrementSendsEnableBoundAndBoundAsFormFields() {
        f.reply(list(42, "credits", 40));
        f.reply(ok());

        f.backend().take("credits", 3, -5);

        f.take();
        RecordedRequest r = f.take();
        assertThat(r.getUrl().encodedPath()).isEqualTo("/api/data/DecrementIntValueToKey");
        assertThat(form(r)).containsExactly(entry("token", TOKEN), entry("ProductId", "1234"), entry("Key", KEY),
                entry("Id", "42"), entry("IntValue", "3"), entry("EnableBound", "true"), entry("Bound", "-5"));
    }

    @Test
    void incrementWithACapSendsItAsTheBound() {
        f.reply(list(42, "usage", 3));
        f.reply(ok());

        f.backend().add("usage", 2, 100);

        f.take();
        RecordedRequest r = f.take();
        assertThat(r.getUrl().encodedPath()).isEqualTo("/api/data/IncrementIntValueToKey");
        assertThat(form(r)).containsEntry("Id", "42").containsEntry("IntValue", "2")
                .containsEntry("EnableBound", "true").containsEntry("Bound", "100").doesNotContainKey("Name");
    }

    @Test
    void incrementWithoutACapTurnsTheBoundOff() {
        f.reply(list(42, "usage", 3));
        f.reply(ok());

        f.backend().add("usage", 1, Backend.NO_CAP);

        f.take();
        assertThat(form(f.take())).containsEntry("EnableBound", "false").containsEntry("Bound", "0");
    }

    @Test
    void missingUsageCounterIsCreatedAtZeroWithCheckForDuplicates() {
        f.reply(list());
        f.reply(added(77));
        f.reply(ok());

        Outcome o = f.backend().add("usage", 1, Backend.NO_CAP);

        assertThat(o.status()).isEqualTo(Outcome.Status.GRANTED);
        assertThat(f.take().getUrl().encodedPath()).isEqualTo("/api/data/ListDataObjectsToKey");
        RecordedRequest add = f.take();
        assertThat(add.getUrl().encodedPath()).isEqualTo("/api/data/AddDataObjectToKey");
        assertThat(form(add)).containsExactly(entry("token", TOKEN), entry("ProductId", "1234"), entry("Key", KEY),
                entry("Name", "usage"), entry("IntValue", "0"), entry("CheckForDuplicates", "true"));
        RecordedRequest increment = f.take();
        assertThat(increment.getUrl().encodedPath()).isEqualTo("/api/data/IncrementIntValueToKey");
        assertThat(form(increment)).containsEntry("Id", "77");
    }

    @Test
    void machineCodeMovesCountersToTheMachineCodeMethods() {
        CryptolensBackend b = f.backend(f.settings().machineCode("m-1f2e").build());
        f.reply(list());
        f.reply(added(5));
        f.reply(ok());
        f.reply(list(6, "credits", 9));
        f.reply(ok());

        b.add("usage", 1, Backend.NO_CAP);
        b.take("credits", 1, 0);

        String[] paths = {"ListDataObjectsToMachineCode", "AddDataObjectToMachineCode",
            "IncrementIntValueToMachineCode", "ListDataObjectsToMachineCode", "DecrementIntValueToMachineCode"};
        for (String path : paths) {
            RecordedRequest r = f.take();
            assertThat(r.getUrl().encodedPath()).isEqualTo("/api/data/" + path);
            assertThat(form(r)).contains(entry("token", TOKEN), entry("ProductId", "1234"), entry("Key", KEY),
                    entry("MachineCode", "m-1f2e"));
            assertThat(form(r).keySet()).startsWith("token", "ProductId", "Key", "MachineCode");
        }
    }

    @Test
    void namesAreSentAsUtf8PercentEncoding() {
        f.reply(list(1, "crédits €", 3));

        Outcome o = f.backend().read("crédits €");

        assertThat(o.value()).isEqualTo(3);
        assertThat(f.take().getBody().utf8()).endsWith("&Contains=cr%C3%A9dits+%E2%82%AC");
    }

    @Test
    void aPathInTheBaseUrlIsKept() {
        f.reply(list());

        f.backend(f.settings().url(f.url() + "/proxy/cryptolens/").build()).read("credits");

        assertThat(f.take().getUrl().encodedPath()).isEqualTo("/proxy/cryptolens/api/data/ListDataObjectsToKey");
    }

    @Test
    void localhostIsReachedOverPlainHttp() {
        f.reply(list(1, "credits", 8));

        Outcome o = f.backend(f.settings().url("http://localhost:" + f.server.getPort()).build()).read("credits");

        assertThat(o).hasToString("GRANTED value=8");
    }

    @Test
    void noHttpClientIsBuiltBeforeTheFirstCall() {
        CryptolensBackend b = f.backend();
        b.describe();
        assertThat(b.connected()).isFalse();

        f.reply(list());
        b.read("credits");

        assertThat(b.connected()).isTrue();
    }

    @Test
    void describeNamesUrlProductAndShortenedKeyOnly() {
        CryptolensBackend b = f.backend(f.settings().machineCode("m-1").build());

        assertThat(b.describe()).isEqualTo("cryptolens " + f.url() + " product 1234 key FRQHQ… machine code m-1");
        assertThat(b).hasToString(b.describe());
    }
}
