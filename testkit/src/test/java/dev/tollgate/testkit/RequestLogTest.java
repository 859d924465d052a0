package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestLogTest {
    private CryptolensEmulator emulator;
    private Fixture f;

    @BeforeEach
    void start() {
        emulator = CryptolensEmulator.start();
        f = new Fixture(emulator);
        f.key.dataObject("credits", 10);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void recordsMethodPathFieldsAndOutcome() throws IOException {
        f.decrement("credits", 2, true, 0).ok();

        RecordedCall call = emulator.requests().get(0);
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.path()).isEqualTo("/api/data/DecrementIntValueToKey");
        assertThat(call.endpoint()).contains(Endpoint.DECREMENT_INT_VALUE_TO_KEY);
        assertThat(call.params()).containsExactly(
                java.util.Map.entry("ProductId", "3941"), java.util.Map.entry("Key", Fixture.KEY),
                java.util.Map.entry("Id", "0"), java.util.Map.entry("Name", "credits"),
                java.util.Map.entry("IntValue", "2"), java.util.Map.entry("EnableBound", "true"),
                java.util.Map.entry("Bound", "0"));
        assertThat(call.param("intvalue")).contains("2");
        assertThat(call.param("Missing")).isEmpty();
        assertThat(call.contentType()).hasValueSatisfying(type -> assertThat(type).startsWith("application/x-www-form-urlencoded"));
        assertThat(call.status()).isEqualTo(200);
        assertThat(call.result()).hasValue(0);
        assertThat(call.message()).isEmpty();
        assertThat(call.reply()).contains("{\"result\":0,\"message\":null}");
        assertThat(call.fault()).isEmpty();
    }

    @Test
    void recordsFailuresWithTheirMessage() throws IOException {
        f.decrement("credits", 20, true, 0);

        RecordedCall call = emulator.requests().get(0);
        assertThat(call.result()).hasValue(1);
        assertThat(call.message()).contains("The bound was reached.");
    }

    @Test
    void theTokenIsAvailableForAssertionsButNeverPrinted() throws IOException {
        f.decrement("credits", 1, true, 0).ok();
        f.client.get("/api/data/ListDataObjectsToKey?token=" + Fixture.TOKEN + "&ProductId=3941&Key=" + Fixture.KEY);

        for (RecordedCall call : emulator.requests()) {
            assertThat(call.token()).contains(Fixture.TOKEN);
            assertThat(call.params()).doesNotContainKey("token");
            assertThat(call.param("token")).isEmpty();
            assertThat(call.toString()).doesNotContain(Fixture.TOKEN).contains("token=<redacted>");
        }
        assertThat(emulator.requests().get(0).toString()).isEqualTo(
                "POST /api/data/DecrementIntValueToKey {ProductId=3941, Key=AAAAA-BBBBB-CCCCC-DDDDD, Id=0, Name=credits,"
                        + " IntValue=1, EnableBound=true, Bound=0} token=<redacted> -> 200 result=0");
    }

    @Test
    void aCallWithoutTokenHasNone() throws IOException {
        f.client.post("/api/data/ListDataObjectsToKey", "ProductId", "3941");

        RecordedCall call = emulator.requests().get(0);
        assertThat(call.token()).isEmpty();
        assertThat(call.toString()).isEqualTo(
                "POST /api/data/ListDataObjectsToKey {ProductId=3941} -> 200 result=1 message=\"Unable to authenticate.\"");
    }

    @Test
    void faultedCallsAreRecordedWithTheirFault() throws IOException {
        emulator.failNext(Fault.disconnect());
        try {
            f.decrement("credits", 1, true, 0);
        } catch (IOException expected) {
            // the fault
        }

        assertThat(emulator.requests()).singleElement().satisfies(call -> {
            assertThat(call.fault()).hasValueSatisfying(fault -> assertThat(fault.toString()).isEqualTo("Fault.disconnect()"));
            assertThat(call.toString()).endsWith("-> no reply (Fault.disconnect())");
        });
    }

    @Test
    void requestsCanBeFilteredByEndpointAndCleared() throws IOException {
        f.decrement("credits", 1, true, 0).ok();
        f.call("ListDataObjectsToKey").ok();
        f.decrement("credits", 1, true, 0).ok();

        assertThat(emulator.requests()).hasSize(3);
        assertThat(emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY)).hasSize(2);
        assertThat(emulator.requests(Endpoint.LIST_DATA_OBJECTS_TO_KEY)).hasSize(1);
        assertThat(emulator.requests(Endpoint.ADD_DATA_OBJECT_TO_KEY)).isEmpty();

        emulator.clearRequests();
        assertThat(emulator.requests()).isEmpty();
    }

    @Test
    void theLogKeepsOnlyTheNewestUpToItsLimit() throws IOException {
        try (CryptolensEmulator small = CryptolensEmulator.builder().requestLogLimit(2).start()) {
            Fixture g = new Fixture(small);
            g.call("ListDataObjectsToKey", "Contains", "1");
            g.call("ListDataObjectsToKey", "Contains", "2");
            g.call("ListDataObjectsToKey", "Contains", "3");

            assertThat(small.requests()).extracting(call -> call.param("Contains").orElseThrow()).containsExactly("2", "3");
        }
    }

    @Test
    void aZeroLimitKeepsNothing() throws IOException {
        try (CryptolensEmulator none = CryptolensEmulator.builder().requestLogLimit(0).start()) {
            new Fixture(none).call("ListDataObjectsToKey").ok();

            assertThat(none.requests()).isEmpty();
        }
    }

    @Test
    void theRequestCountCountsEveryRequestWhateverTheLogKeepsOrAFaultDid() throws IOException {
        try (CryptolensEmulator none = CryptolensEmulator.builder().requestLogLimit(0).start()) {
            Fixture g = new Fixture(none);
            assertThat(none.requestCount()).isZero();

            g.call("ListDataObjectsToKey").ok();
            g.decrement("credits", 1, true, 0);
            none.failNext(Fault.serverError());
            g.call("ListDataObjectsToKey");
            none.clearRequests();

            assertThat(none.requests()).isEmpty();
            assertThat(none.requestCount()).isEqualTo(3);
        }
    }
}
