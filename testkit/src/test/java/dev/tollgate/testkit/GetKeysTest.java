package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code product/GetKeys}: a product's keys with their data objects, page by page. */
class GetKeysTest {
    private final CryptolensEmulator emulator = CryptolensEmulator.builder().keysPerPage(3).start();
    private final Client client = new Client(emulator.url());

    @AfterEach
    void close() {
        emulator.close();
    }

    private Client.Reply page(String token, int product, int page) throws IOException {
        return client.post("/api/product/GetKeys", "token", token, "ProductId", String.valueOf(product),
                "Page", String.valueOf(page));
    }

    private void sevenKeys() {
        Product product = emulator.product(3941);
        for (int i = 1; i <= 7; i++) {
            product.key("KEY-" + i).dataObject("render", i * 10);
        }
        emulator.product(7).key("OTHER").dataObject("render", 1);
    }

    @Test
    void pagesThroughEveryKeyInKeyIdOrderWithTheirDataObjects() throws IOException {
        sevenKeys();
        emulator.token("T", Permission.GET_KEYS);
        List<String> keys = new ArrayList<>();
        for (int page = 1; page <= 3; page++) {
            JsonNode reply = page("T", 3941, page).ok().json();
            assertThat(reply.get("total").intValue()).isEqualTo(7);
            assertThat(reply.get("pageCount").intValue()).isEqualTo(3);
            assertThat(reply.get("returned").intValue()).isEqualTo(page < 3 ? 3 : 1);
            for (JsonNode key : reply.get("licenseKeys")) {
                assertThat(key.get("productId").intValue()).isEqualTo(3941);
                assertThat(key.get("dataObjects").get(0).get("name").textValue()).isEqualTo("render");
                keys.add(key.get("key").textValue() + "=" + key.get("dataObjects").get(0).get("intValue").intValue());
            }
        }
        assertThat(keys).containsExactly("KEY-1=10", "KEY-2=20", "KEY-3=30", "KEY-4=40", "KEY-5=50", "KEY-6=60", "KEY-7=70");
    }

    @Test
    void aPageBeyondTheLastIsEmptyAndPageZeroIsTheFirst() throws IOException {
        sevenKeys();
        emulator.token("T", Permission.GET_KEYS);
        JsonNode beyond = page("T", 3941, 4).ok().json();
        assertThat(beyond.get("licenseKeys")).isEmpty();
        assertThat(beyond.get("returned").intValue()).isZero();
        assertThat(beyond.get("total").intValue()).isEqualTo(7);
        assertThat(page("T", 3941, 0).ok().json().get("licenseKeys").get(0).get("key").textValue()).isEqualTo("KEY-1");
    }

    @Test
    void ninetyNineKeysToAPageByDefault() throws IOException {
        try (CryptolensEmulator defaults = CryptolensEmulator.start()) {
            for (int i = 0; i < 100; i++) {
                defaults.product(1).key("K" + i);
            }
            defaults.token("T", Permission.GET_KEYS);
            JsonNode reply = new Client(defaults.url()).post("/api/product/GetKeys", "token", "T", "ProductId", "1").ok().json();
            assertThat(reply.get("returned").intValue()).isEqualTo(99);
            assertThat(reply.get("pageCount").intValue()).isEqualTo(2);
        }
    }

    @Test
    void aTokenWithoutGetKeysIsDenied() throws IOException {
        sevenKeys();
        emulator.token("data-only", Permission.allData());
        assertThat(page("data-only", 3941, 1).error()).isEqualTo("Access denied.");
    }

    @Test
    void anUnknownTokenCannotAuthenticate() throws IOException {
        sevenKeys();
        assertThat(page("nobody", 3941, 1).error()).isEqualTo("Unable to authenticate.");
    }

    @Test
    void anUnknownProductIsNotFound() throws IOException {
        emulator.token("T", Permission.GET_KEYS);
        assertThat(page("T", 4242, 1).error()).isEqualTo("Could not find the product.");
    }

    @Test
    void aProductLockRefusesOtherProductsButTheKeyLockDoesNotNarrowTheList() throws IOException {
        sevenKeys();
        long firstKeyId = emulator.product(3941).keys().get(0).id();
        emulator.token("locked", Permission.GET_KEYS).productLock(7).keyLock(firstKeyId);
        assertThat(page("locked", 3941, 1).error()).isEqualTo("Access denied.");
        emulator.token("key-locked", Permission.GET_KEYS).keyLock(firstKeyId);
        assertThat(page("key-locked", 3941, 1).ok().json().get("total").intValue()).isEqualTo(7);
    }

    @Test
    void getKeysIsNamedByItsTokenPageName() {
        assertThat(Permission.named("GetKeys")).isEqualTo(Permission.GET_KEYS);
        assertThat(Permission.named("DecrementIntValue")).isEqualTo(Permission.DECREMENT_INT_VALUE);
        assertThat(Permission.allData()).doesNotContain(Permission.GET_KEYS).hasSize(7);
    }
}
