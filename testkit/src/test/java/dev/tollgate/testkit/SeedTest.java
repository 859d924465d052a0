package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed files: the state of a launched emulator, and a clear line for each mistake in one. */
class SeedTest {
    @TempDir
    Path dir;

    private Path file(String json) throws IOException {
        return Files.writeString(dir.resolve("seed.json"), json);
    }

    @Test
    void tokensProductsKeysAndDataObjectsAreSeeded() throws Exception {
        Seed seed = Seed.read(file("""
                {"tokens":[{"token":"VENDOR","permissions":["GetKeys","ListDataObjects","DecrementIntValue"],"keyLock":-1},
                           {"token":"READER","permissions":["ListDataObjects"],"productLock":3941}],
                 "products":[{"id":3941,"keys":[{"key":"AAAAA-BBBBB-CCCCC-DDDDD","dataObjects":{"render":120,"export":40}},
                                                {"key":"EEEEE-FFFFF-GGGGG-HHHHH"}]},
                             {"id":7,"keys":[]}],
                 "keysPerPage":2}
                """));
        try (CryptolensEmulator emulator = CryptolensEmulator.builder().keysPerPage(seed.keysPerPage(99)).start()) {
            seed.applyTo(emulator);
            assertThat(emulator.value(3941, "AAAAA-BBBBB-CCCCC-DDDDD", "render")).isEqualTo(120);
            assertThat(emulator.value(3941, "AAAAA-BBBBB-CCCCC-DDDDD", "export")).isEqualTo(40);
            assertThat(emulator.product(3941).keys()).hasSize(2);
            Client client = new Client(emulator.url());
            assertThat(client.post("/api/product/GetKeys", "token", "VENDOR", "ProductId", "3941").ok().json()
                    .get("pageCount").intValue()).isEqualTo(1);
            assertThat(client.post("/api/data/SetIntValueToKey", "token", "VENDOR", "ProductId", "3941",
                    "Key", "AAAAA-BBBBB-CCCCC-DDDDD", "Name", "render", "IntValue", "0").error()).isEqualTo("Access denied.");
            assertThat(client.post("/api/data/ListDataObjectsToKey", "token", "READER", "ProductId", "7",
                    "Key", "X").error()).isEqualTo("Access denied.");
        }
    }

    @Test
    void anUnknownPermissionIsNamedWithItsPlace() throws IOException {
        Path seed = file("{\"tokens\":[{\"token\":\"s3cret\",\"permissions\":[\"GetKeys\",\"DecrementIntValues\"]}]}");
        assertThatThrownBy(() -> Seed.read(seed))
                .hasMessageStartingWith(seed + ": tokens[0].permissions[1]: unknown permission \"DecrementIntValues\"")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void anUnknownFieldIsAProblem() throws IOException {
        Path seed = file("{\"products\":[{\"id\":1,\"keys\":[{\"key\":\"K\",\"dataobjects\":{}}]}]}");
        assertThatThrownBy(() -> Seed.read(seed))
                .hasMessageStartingWith(seed + ": products[0].keys[0].dataobjects: unknown field");
    }

    @Test
    void aValueThatIsNotAnInt32IsAProblem() throws IOException {
        Path seed = file("{\"products\":[{\"id\":1,\"keys\":[{\"key\":\"K\",\"dataObjects\":{\"render\":3000000000}}]}]}");
        assertThatThrownBy(() -> Seed.read(seed))
                .hasMessage(seed + ": products[0].keys[0].dataObjects.render: must be an int32 number");
    }

    @Test
    void aProductWithoutIdIsAProblem() throws IOException {
        Path seed = file("{\"products\":[{\"keys\":[]}]}");
        assertThatThrownBy(() -> Seed.read(seed)).hasMessage(seed + ": products[0].id: is required, an int32 number");
    }

    @Test
    void aTokenWithoutSecretIsAProblem() throws IOException {
        Path seed = file("{\"tokens\":[{\"permissions\":[]}]}");
        assertThatThrownBy(() -> Seed.read(seed)).hasMessage(seed + ": tokens[0].token: must be a non-empty string");
    }

    @Test
    void brokenJsonNamesTheLine() throws IOException {
        Path seed = file("{\n\"tokens\": [\n}");
        assertThatThrownBy(() -> Seed.read(seed)).hasMessage(seed + ": not valid JSON (line 3)");
    }

    @Test
    void aMissingFileIsSaidSo() {
        Path seed = dir.resolve("nope.json");
        assertThatThrownBy(() -> Seed.read(seed)).hasMessage(seed + ": no such file");
    }
}
