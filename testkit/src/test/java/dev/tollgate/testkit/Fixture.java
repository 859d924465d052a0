package dev.tollgate.testkit;

import java.io.IOException;

/** The usual arrangement: product 3941, one key, a client token with every data permission and key lock -1. */
final class Fixture {
    static final int PRODUCT = 3941;
    static final String KEY = "AAAAA-BBBBB-CCCCC-DDDDD";
    static final String TOKEN = "client-token";

    final CryptolensEmulator emulator;
    final LicenseKey key;
    final Token token;
    final Client client;

    Fixture(CryptolensEmulator emulator) {
        this.emulator = emulator;
        this.key = emulator.product(PRODUCT).key(KEY);
        this.token = emulator.token(TOKEN, Permission.allData()).keyLock(-1);
        this.client = new Client(emulator.url());
    }

    /** POSTs to {@code /api/data/<method>} with the token, product and key, plus {@code fields}. */
    Client.Reply call(String method, String... fields) throws IOException {
        String[] all = new String[fields.length + 6];
        all[0] = "token";
        all[1] = TOKEN;
        all[2] = "ProductId";
        all[3] = String.valueOf(PRODUCT);
        all[4] = "Key";
        all[5] = KEY;
        System.arraycopy(fields, 0, all, 6, fields.length);
        return client.post("/api/data/" + method, all);
    }

    /** A decrement by name as the Java SDK sends it (Id=0, PascalCase, booleans in lower case). */
    Client.Reply decrement(String name, int amount, boolean enableBound, int bound) throws IOException {
        return call("DecrementIntValueToKey", "Id", "0", "Name", name, "IntValue", String.valueOf(amount),
                "EnableBound", String.valueOf(enableBound), "Bound", String.valueOf(bound));
    }

    Client.Reply increment(String name, int amount, boolean enableBound, int bound) throws IOException {
        return call("IncrementIntValueToKey", "Id", "0", "Name", name, "IntValue", String.valueOf(amount),
                "EnableBound", String.valueOf(enableBound), "Bound", String.valueOf(bound));
    }
}
