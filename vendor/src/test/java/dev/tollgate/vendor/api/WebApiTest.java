package dev.tollgate.vendor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.testkit.CryptolensEmulator;
import dev.tollgate.testkit.Endpoint;
import dev.tollgate.testkit.Fault;
import dev.tollgate.testkit.Permission;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Web API client against the emulator: replies, failures, and which calls are tried again. */
class WebApiTest {
    static final String TOKEN = "vendor-token";
    private final CryptolensEmulator emulator = CryptolensEmulator.builder().keysPerPage(2).start();
    private final WebApi api = new WebApi(HttpUrl.get(emulator.url()), TOKEN,
            new Backoff(4, Duration.ofMillis(1), Duration.ofMillis(5)));

    @AfterEach
    void close() {
        emulator.close();
    }

    private void fiveKeys() {
        for (int i = 1; i <= 5; i++) {
            emulator.product(3941).key("K" + i).dataObject("render", i);
        }
        emulator.token(TOKEN, Permission.GET_KEYS, Permission.LIST_DATA_OBJECTS, Permission.DECREMENT_INT_VALUE).keyLock(-1);
    }

    @Test
    void everyKeyIsFollowedThroughAllPages() throws ApiFailure {
        fiveKeys();
        List<KeyData> keys = new Keys(api).all(3941, KeyProgress.NONE);
        assertThat(keys).extracting(KeyData::key).containsExactly("K1", "K2", "K3", "K4", "K5");
        assertThat(keys.get(4).find("render").orElseThrow().intValue()).isEqualTo(5);
        assertThat(emulator.requests(Endpoint.GET_KEYS)).hasSize(3);
    }

    @Test
    void readsAreTriedAgainAfter429And5xxAndGarbage() throws ApiFailure {
        fiveKeys();
        emulator.failNext(Endpoint.LIST_DATA_OBJECTS_TO_KEY, 1, Fault.tooManyRequests());
        emulator.failNext(Endpoint.LIST_DATA_OBJECTS_TO_KEY, 1, Fault.serverError());
        emulator.failNext(Endpoint.LIST_DATA_OBJECTS_TO_KEY, 1, Fault.garbage());
        assertThat(api.dataObjects(3941, "K2").find("render").orElseThrow().intValue()).isEqualTo(2);
        assertThat(emulator.requests(Endpoint.LIST_DATA_OBJECTS_TO_KEY)).hasSize(4);
    }

    @Test
    void aReadGivesUpAfterItsTriesWithOneLine() {
        fiveKeys();
        emulator.failAlways(Endpoint.LIST_DATA_OBJECTS_TO_KEY, Fault.serverError());
        assertThatThrownBy(() -> api.dataObjects(3941, "K2"))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.isTransient()).isTrue())
                .hasMessage("data/ListDataObjectsToKey: HTTP 503 from the service");
        assertThat(emulator.requests(Endpoint.LIST_DATA_OBJECTS_TO_KEY)).hasSize(4);
    }

    @Test
    void aWriteIsSentOnceEvenWhenItsAnswerIsLost() {
        fiveKeys();
        emulator.failNext(Endpoint.DECREMENT_INT_VALUE_TO_KEY, 1, Fault.lostReply());
        assertThatThrownBy(() -> api.decrement(3941, "K3", "render", 1))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.isTransient()).isTrue());
        assertThat(emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY)).hasSize(1);
        assertThat(emulator.value(3941, "K3", "render")).as("it took effect").isEqualTo(2);
    }

    @Test
    void aResultSentAsAStringIsUnderstood() throws ApiFailure {
        fiveKeys();
        emulator.failNext(Fault.resultAsString());
        assertThat(api.dataObjects(3941, "K1").dataObjects()).hasSize(1);
    }

    @Test
    void refusalsAreToldApartByTheServicesMessage() {
        fiveKeys();
        assertThatThrownBy(() -> api.setInt(3941, "K1", "render", 0))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.kind()).isEqualTo(ApiFailure.Kind.ACCESS_DENIED));
        assertThatThrownBy(() -> api.dataObjects(3941, "NOPE"))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.kind()).isEqualTo(ApiFailure.Kind.NOT_FOUND));
        assertThatThrownBy(() -> new Keys(api).names(77, KeyProgress.NONE))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.kind()).isEqualTo(ApiFailure.Kind.PRODUCT_NOT_FOUND));
        WebApi stranger = new WebApi(HttpUrl.get(emulator.url()), "someone-else", new Backoff(1, Duration.ZERO, Duration.ZERO));
        assertThatThrownBy(() -> stranger.dataObjects(3941, "K1"))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.kind()).isEqualTo(ApiFailure.Kind.AUTHENTICATION))
                .hasMessageNotContaining("someone-else");
    }

    @Test
    void aMissingPermissionIsFoundBeforeAnythingChanges() {
        fiveKeys();
        assertThatThrownBy(() -> api.requireWrites(3941, "K1", List.of(WebApi.DECREMENT, WebApi.SET_INT)))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.method()).isEqualTo(WebApi.SET_INT));
        assertThat(emulator.value(3941, "K1", "render")).isEqualTo(1);
        assertThat(WebApi.permissionOf(WebApi.SET_INT)).isEqualTo("SetIntValue");
        assertThat(WebApi.permissionOf(WebApi.GET_KEYS)).isEqualTo("GetKeys");
    }

    @Test
    void theTokenIsInNoStringOfTheClient() {
        assertThat(api.toString()).doesNotContain(TOKEN).contains("<redacted>");
    }
}
