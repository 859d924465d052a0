package dev.tollgate.vendor.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.testkit.CryptolensEmulator;
import dev.tollgate.testkit.Endpoint;
import dev.tollgate.testkit.Fault;
import dev.tollgate.testkit.Permission;
import dev.tollgate.vendor.api.ApiFailure;
import dev.tollgate.vendor.api.Backoff;
import dev.tollgate.vendor.api.KeyProgress;
import dev.tollgate.vendor.api.WebApi;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A close over several keys against the emulator: stopping half-way, resuming, and a key that cannot be closed. */
class ClosingTest {
    static final String TOKEN = "vendor-token";
    static final Backoff FAST = new Backoff(3, Duration.ofMillis(1), Duration.ofMillis(2));
    private final CryptolensEmulator emulator = CryptolensEmulator.builder().keysPerPage(2).start();
    private final Closing closing = new Closing(new WebApi(HttpUrl.get(emulator.url()), TOKEN, FAST), Seal.of(TOKEN), FAST);
    private final Closing.Request november = new Closing.Request(3941, null, List.of("render"), Period.parse("2026-11"),
            Mode.RESET, false);

    @AfterEach
    void close() {
        emulator.close();
    }

    private void fiveKeys() {
        for (int i = 1; i <= 5; i++) {
            emulator.product(3941).key("K" + i).dataObject("render", 10 * i);
        }
        emulator.token(TOKEN, Permission.GET_KEYS, Permission.LIST_DATA_OBJECTS, Permission.ADD_DATA_OBJECT,
                Permission.INCREMENT_INT_VALUE, Permission.DECREMENT_INT_VALUE, Permission.SET_INT_VALUE).keyLock(-1);
    }

    @Test
    void aRunStoppedByTheServiceSaysHowFarItGotAndTheNextRunFinishes() throws Exception {
        fiveKeys();
        emulator.failNext(Endpoint.ADD_DATA_OBJECT_TO_KEY, 2, Fault.latency(Duration.ZERO));
        emulator.failAlways(Endpoint.ADD_DATA_OBJECT_TO_KEY, Fault.serverError());

        assertThatThrownBy(() -> closing.run(november, KeyProgress.NONE))
                .isInstanceOfSatisfying(Closing.Stopped.class, s -> {
                    assertThat(s.finished()).isEqualTo(2);
                    assertThat(s.total()).isEqualTo(5);
                    assertThat(s.failure().isTransient()).isTrue();
                });
        assertThat(emulator.value(3941, "K1", "render")).isZero();
        assertThat(emulator.value(3941, "K3", "render")).isEqualTo(30);

        emulator.clearFaults();
        Closing.Result result = closing.run(november, KeyProgress.NONE);
        assertThat(result.failures()).isEmpty();
        assertThat(result.rows()).extracting(r -> r.key() + "=" + r.billed() + " " + r.status()).containsExactly(
                "K1=10 already closed", "K2=20 already closed", "K3=30 closed", "K4=40 closed", "K5=50 closed");
        for (int i = 1; i <= 5; i++) {
            assertThat(emulator.value(3941, "K" + i, "render")).isZero();
        }
    }

    @Test
    void aKeyWithAForgedRecordIsReportedAndTheOthersAreClosed() throws Exception {
        fiveKeys();
        emulator.product(3941).key("K2").dataObject("tollgate.close.render.202611", 3);

        Closing.Result result = closing.run(november, KeyProgress.NONE);

        assertThat(result.rows()).extracting(StatementRow::key).containsExactly("K1", "K3", "K4", "K5");
        assertThat(result.failures()).containsExactly(
                "key K2, render: tollgate.close.render.202611 is not a record this tool wrote");
        assertThat(emulator.value(3941, "K2", "render")).as("not billed, not reset").isEqualTo(20);
    }

    @Test
    void aTokenWithoutSetIntValueIsStoppedBeforeTheFirstWrite() {
        fiveKeys();
        emulator.token(TOKEN, Permission.GET_KEYS, Permission.LIST_DATA_OBJECTS, Permission.ADD_DATA_OBJECT,
                Permission.INCREMENT_INT_VALUE, Permission.DECREMENT_INT_VALUE).keyLock(-1);

        assertThatThrownBy(() -> closing.run(november, KeyProgress.NONE))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.method()).isEqualTo(WebApi.SET_INT));
        assertThat(emulator.requests(Endpoint.ADD_DATA_OBJECT_TO_KEY)).isEmpty();
    }

    @Test
    void aCarryNeedsNoWritePermissionButAddDataObject() throws Exception {
        fiveKeys();
        emulator.token(TOKEN, Permission.GET_KEYS, Permission.LIST_DATA_OBJECTS, Permission.ADD_DATA_OBJECT).keyLock(-1);
        Closing.Result result = closing.run(new Closing.Request(3941, null, List.of("render"), Period.parse("2026-11"),
                Mode.CARRY, false), KeyProgress.NONE);
        assertThat(result.rows()).extracting(StatementRow::billed).containsExactly(10, 20, 30, 40, 50);
        assertThat(emulator.value(3941, "K5", "render")).isEqualTo(50);
    }
}
