package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenTest {
    private CryptolensEmulator emulator;
    private Fixture f;
    private DataObject credits;

    @BeforeEach
    void start() {
        emulator = CryptolensEmulator.start();
        f = new Fixture(emulator);
        credits = f.key.dataObject("credits", 10);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private Client.Reply decrementWith(String token) throws IOException {
        return f.client.post("/api/data/DecrementIntValueToKey", "token", token, "ProductId", "3941",
                "Key", Fixture.KEY, "Name", "credits", "IntValue", "1");
    }

    private Client.Reply generalDecrementWith(String token) throws IOException {
        return f.client.post("/api/data/DecrementIntValue", "token", token, "Id", String.valueOf(credits.id()),
                "IntValue", "1");
    }

    @Test
    void anUnknownTokenCannotAuthenticate() throws IOException {
        assertThat(decrementWith("wrong").error()).isEqualTo("Unable to authenticate.");
        assertThat(credits.intValue()).isEqualTo(10);
    }

    @Test
    void aMissingOrEmptyTokenCannotAuthenticate() throws IOException {
        Client.Reply missing = f.client.post("/api/data/ListDataObjectsToKey", "ProductId", "3941", "Key", Fixture.KEY);

        assertThat(missing.error()).isEqualTo("Unable to authenticate.");
        assertThat(decrementWith("").error()).isEqualTo("Unable to authenticate.");
    }

    @Test
    void tokensAreComparedExactly() throws IOException {
        assertThat(decrementWith(Fixture.TOKEN.toUpperCase()).error()).isEqualTo("Unable to authenticate.");
    }

    @Test
    void aTokenWithoutTheMethodsPermissionIsDenied() throws IOException {
        emulator.token("list-only", Permission.LIST_DATA_OBJECTS);

        assertThat(decrementWith("list-only").error()).isEqualTo("Access denied.");
        assertThat(credits.intValue()).isEqualTo(10);
        f.client.post("/api/data/ListDataObjectsToKey", "token", "list-only", "ProductId", "3941", "Key", Fixture.KEY).ok();
    }

    @Test
    void eachMethodNeedsItsOwnPermission() throws IOException {
        String[][] calls = {
                {"AddDataObjectToKey", "ADD_DATA_OBJECT"},
                {"ListDataObjectsToKey", "LIST_DATA_OBJECTS"},
                {"IncrementIntValueToKey", "INCREMENT_INT_VALUE"},
                {"DecrementIntValueToKey", "DECREMENT_INT_VALUE"},
                {"SetIntValueToKey", "SET_INT_VALUE"},
                {"SetStringValueToKey", "SET_STRING_VALUE"},
                {"RemoveDataObjectToKey", "REMOVE_DATA_OBJECT"},
        };
        for (String[] call : calls) {
            Set<Permission> allButOne = EnumSet.allOf(Permission.class);
            allButOne.remove(Permission.valueOf(call[1]));
            emulator.token("without", allButOne);
            emulator.token("with", Permission.valueOf(call[1]));
            String[] fields = {"ProductId", "3941", "Key", Fixture.KEY, "Name", "credits", "IntValue", "0"};

            assertThat(f.client.post("/api/data/" + call[0], concat("token", "without", fields)).error())
                    .as(call[0]).isEqualTo("Access denied.");
            f.client.post("/api/data/" + call[0], concat("token", "with", fields)).ok();
        }
    }

    @Test
    void aProductLockedTokenIsDeniedOtherProducts() throws IOException {
        emulator.product(7).key(Fixture.KEY).dataObject("credits", 10);
        emulator.token("locked", Permission.allData()).productLock(3941);

        decrementWith("locked").ok();
        Client.Reply other = f.client.post("/api/data/DecrementIntValueToKey", "token", "locked", "ProductId", "7",
                "Key", Fixture.KEY, "Name", "credits", "IntValue", "1");

        assertThat(other.error()).isEqualTo("Access denied.");
        assertThat(emulator.value(7, Fixture.KEY, "credits")).isEqualTo(10);
    }

    @Test
    void keyLockMinusOneWorksWithTheKeyMethods() throws IOException {
        emulator.token("any-key", Permission.allData()).keyLock(-1);

        decrementWith("any-key").ok();

        assertThat(credits.intValue()).isEqualTo(9);
    }

    @Test
    void keyLockMinusOneRefusesTheGeneralByIdMethods() throws IOException {
        emulator.token("any-key", Permission.allData()).keyLock(-1);

        assertThat(generalDecrementWith("any-key").error()).isEqualTo("Not enough permission and/or key not found.");
        assertThat(credits.intValue()).isEqualTo(10);
    }

    @Test
    void keyLockZeroReachesEveryKeyAlsoByIdOnly() throws IOException {
        emulator.token("unlocked", Permission.allData());

        decrementWith("unlocked").ok();
        generalDecrementWith("unlocked").ok();
        f.client.post("/api/data/IncrementIntValue", "token", "unlocked", "Id", String.valueOf(credits.id()),
                "IntValue", "5", "EnableBound", "true", "Bound", "13").ok();
        f.client.post("/api/data/SetStringValue", "token", "unlocked", "Id", String.valueOf(credits.id()),
                "StringValue", "set by id").ok();

        assertThat(credits.intValue()).isEqualTo(13);
        assertThat(credits.stringValue()).isEqualTo("set by id");
        f.client.post("/api/data/SetIntValue", "token", "unlocked", "Id", String.valueOf(credits.id()), "IntValue", "2").ok();
        assertThat(credits.intValue()).isEqualTo(2);
        f.client.post("/api/data/RemoveDataObject", "token", "unlocked", "Id", String.valueOf(credits.id())).ok();
        assertThat(credits.isRemoved()).isTrue();
    }

    @Test
    void generalMethodsNeedAnIdAndAnExistingObject() throws IOException {
        emulator.token("unlocked", Permission.allData());

        assertThat(f.client.post("/api/data/DecrementIntValue", "token", "unlocked", "IntValue", "1").error())
                .isEqualTo("The input parameters were incorrect.");
        assertThat(f.client.post("/api/data/DecrementIntValue", "token", "unlocked", "Id", "999999", "IntValue", "1").error())
                .isEqualTo("Not enough permission and/or key not found.");
    }

    @Test
    void generalMethodsHonourProductLock() throws IOException {
        emulator.token("other-product", Permission.allData()).productLock(7);

        assertThat(generalDecrementWith("other-product").error()).isEqualTo("Access denied.");
        assertThat(credits.intValue()).isEqualTo(10);
    }

    @Test
    void aKeyIdLockReachesOnlyThatKey() throws IOException {
        LicenseKey other = emulator.product(Fixture.PRODUCT).key("OTHER-KEY");
        DataObject theirs = other.dataObject("credits", 10);
        emulator.token("mine", Permission.allData()).keyLock(f.key.id());

        decrementWith("mine").ok();
        generalDecrementWith("mine").ok();
        Client.Reply byKey = f.client.post("/api/data/DecrementIntValueToKey", "token", "mine", "ProductId", "3941",
                "Key", "OTHER-KEY", "Name", "credits", "IntValue", "1");
        Client.Reply byId = f.client.post("/api/data/DecrementIntValue", "token", "mine",
                "Id", String.valueOf(theirs.id()), "IntValue", "1");

        assertThat(byKey.error()).isEqualTo("Not enough permission and/or key not found.");
        assertThat(byId.error()).isEqualTo("Not enough permission and/or key not found.");
        assertThat(credits.intValue()).isEqualTo(8);
        assertThat(theirs.intValue()).isEqualTo(10);
    }

    @Test
    void keyLockMethodDerivesATokenLockedToTheKey() throws IOException {
        emulator.product(Fixture.PRODUCT).key("OTHER-KEY").dataObject("credits", 10);
        emulator.token("vendor", Permission.DECREMENT_INT_VALUE).keyLock(-1);

        Client.Reply reply = f.client.post("/api/auth/KeyLock", "token", "vendor", "ProductId", "3941", "Key", Fixture.KEY);

        reply.ok();
        assertThat(reply.json().get("keyId").longValue()).isEqualTo(f.key.id());
        assertThat(reply.body).startsWith("{\"keyId\":" + f.key.id() + ",\"token\":\"").endsWith("\",\"result\":0,\"message\":null}");
        String derived = reply.json().get("token").asText();
        assertThat(derived).isNotBlank().isNotEqualTo("vendor");
        decrementWith(derived).ok();
        assertThat(credits.intValue()).isEqualTo(9);
        Client.Reply otherKey = f.client.post("/api/data/DecrementIntValueToKey", "token", derived, "ProductId", "3941",
                "Key", "OTHER-KEY", "Name", "credits", "IntValue", "1");
        assertThat(otherKey.error()).isEqualTo("Not enough permission and/or key not found.");
        Client.Reply list = f.client.post("/api/data/ListDataObjectsToKey", "token", derived, "ProductId", "3941",
                "Key", Fixture.KEY);
        assertThat(list.error()).as("same method scope as the parent token").isEqualTo("Access denied.");
    }

    @Test
    void keyLockMethodNeedsATokenWithKeyLockMinusOne() throws IOException {
        emulator.token("unlocked", Permission.allData());

        Client.Reply reply = f.client.post("/api/auth/KeyLock", "token", "unlocked", "ProductId", "3941", "Key", Fixture.KEY);

        assertThat(reply.error()).isEqualTo("Access denied.");
    }

    @Test
    void keyLockMethodRefusesUnknownKeysAndTokens() throws IOException {
        assertThat(f.client.post("/api/auth/KeyLock", "token", Fixture.TOKEN, "ProductId", "3941", "Key", "NOPE").error())
                .isEqualTo("Not enough permission and/or key not found.");
        assertThat(f.client.post("/api/auth/KeyLock", "token", "nope", "ProductId", "3941", "Key", Fixture.KEY).error())
                .isEqualTo("Unable to authenticate.");
    }

    @Test
    void replacingATokenReplacesItsScope() throws IOException {
        emulator.token(Fixture.TOKEN, Permission.LIST_DATA_OBJECTS);

        assertThat(decrementWith(Fixture.TOKEN).error()).isEqualTo("Access denied.");
    }

    @Test
    void aTokenNeverShowsItsSecret() {
        Token token = emulator.token("s3cr3t-value", Permission.allData()).productLock(1).keyLock(-1).featureLock(2);

        assertThat(token.toString()).doesNotContain("s3cr3t-value").contains("<redacted>", "keyLock=-1");
        assertThat(token.permissions()).isEqualTo(Permission.allData());
        assertThat(token.productLock()).isEqualTo(1);
        assertThat(token.keyLock()).isEqualTo(-1);
        assertThat(token.featureLock()).isEqualTo(2);
    }

    private static String[] concat(String a, String b, String[] rest) {
        String[] all = new String[rest.length + 2];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }
}
