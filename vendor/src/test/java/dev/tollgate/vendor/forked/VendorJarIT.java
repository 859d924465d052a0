package dev.tollgate.vendor.forked;

import static dev.tollgate.vendor.forked.VendorJar.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testkit.CryptolensEmulator;
import dev.tollgate.testkit.DataObject;
import dev.tollgate.testkit.Endpoint;
import dev.tollgate.testkit.Fault;
import dev.tollgate.testkit.LicenseKey;
import dev.tollgate.testkit.Permission;
import dev.tollgate.testkit.Product;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole billing cycle with the packaged jar as a vendor runs it ({@code java -jar tollgate-vendor.jar}),
 * against the emulator on 127.0.0.1.
 */
class VendorJarIT {
    static final int PRODUCT = 3941;
    static final List<Permission> VENDOR = List.of(Permission.GET_KEYS, Permission.LIST_DATA_OBJECTS,
            Permission.ADD_DATA_OBJECT, Permission.INCREMENT_INT_VALUE, Permission.DECREMENT_INT_VALUE,
            Permission.SET_INT_VALUE);

    @TempDir
    Path dir;

    private CryptolensEmulator emulator = CryptolensEmulator.builder().keysPerPage(3).start();

    @AfterEach
    void close() {
        emulator.close();
        VendorJar.assertNoTokenIn(dir.resolve("statements"));
    }

    private Product product() {
        return emulator.product(PRODUCT);
    }

    private void vendorToken() {
        emulator.token(TOKEN, VENDOR).keyLock(-1);
    }

    private String[] args(String command, String... more) {
        List<String> all = new ArrayList<>(List.of(command, "--url", emulator.url(), "--product", String.valueOf(PRODUCT)));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private VendorJar.Result close(String period, String mode) {
        VendorJar.Result r = VendorJar.run(TOKEN, args("close", "--period", period, "--feature", "render", mode,
                "--out", dir.resolve("statements").toString(), "--format", "csv"));
        assertThat(r.exit()).as("%s", r).isZero();
        return r;
    }

    /** key -> "read/billed/status" from the statement file of a period. */
    private Map<String, String> statement(String period) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("statements").resolve(PRODUCT + "-" + period + ".csv"));
        assertThat(lines.get(0)).isEqualTo("key,feature,read,billed,mode,status");
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            rows.put(cells[0], cells[2] + "/" + cells[3] + "/" + cells[5]);
        }
        return rows;
    }

    private static void use(LicenseKey key, int units) {
        DataObject counter = key.find("render").orElseThrow();
        counter.setIntValue(counter.intValue() + units);
    }

    @Test
    void usageListsEveryKeyAcrossMoreThanOnePageOfTheListing() {
        emulator.close();
        emulator = CryptolensEmulator.start(); // 99 keys to a page, as the service
        vendorToken();
        for (int i = 0; i < 250; i++) {
            product().key(String.format("KEY-%03d", i)).dataObject("render", i);
        }
        VendorJar.Result r = VendorJar.run(TOKEN, args("usage", "--format", "csv"));

        assertThat(r.exit()).as("%s", r).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(251).first().isEqualTo("key,feature,value");
        assertThat(lines).contains("KEY-000,render,0", "KEY-098,render,98", "KEY-099,render,99", "KEY-249,render,249");
        assertThat(emulator.requests(Endpoint.GET_KEYS)).extracting(c -> c.param("Page").orElse("")).containsExactly("1", "2", "3");
        assertThat(r.err()).as("no progress bar when stderr is not a terminal").isEmpty();

        VendorJar.Result bar = VendorJar.run(TOKEN, args("usage", "--format", "csv", "--progress"));
        assertThat(bar.out()).isEqualTo(r.out());
        assertThat(bar.err()).startsWith("\rusage 3941 [").endsWith("] 250/250 keys" + System.lineSeparator())
                .doesNotContain("\n\r");
    }

    @Test
    void aResetBillsOnceAndTheNextPeriodBillsOnlyTheUsageAfterIt() throws IOException {
        vendorToken();
        LicenseKey a = product().key("AAAAA-BBBBB-CCCCC-DDDDD");
        a.dataObject("render", 120);
        a.dataObject("export", 40);
        LicenseKey b = product().key("EEEEE-FFFFF-GGGGG-HHHHH");
        b.dataObject("render", 7);
        product().key("IIIII-JJJJJ-KKKKK-LLLLL").dataObject("render", 0);
        product().key("MMMMM-NNNNN-OOOOO-PPPPP");

        VendorJar.Result first = close("2026-11", "--reset");
        assertThat(statement("2026-11")).containsExactly(
                Map.entry("AAAAA-BBBBB-CCCCC-DDDDD", "120/120/closed"), Map.entry("EEEEE-FFFFF-GGGGG-HHHHH", "7/7/closed"),
                Map.entry("IIIII-JJJJJ-KKKKK-LLLLL", "0/0/closed"), Map.entry("MMMMM-NNNNN-OOOOO-PPPPP", "0/0/closed"));
        assertThat(first.err()).contains("closed 2026-11 for product 3941: 4 rows, 127 units billed");
        assertThat(a.value("render")).isZero();
        assertThat(a.value("export")).as("a feature not closed").isEqualTo(40);
        assertThat(b.value("render")).isZero();

        use(a, 5);
        int decrements = emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY).size();
        close("2026-11", "--reset");
        assertThat(statement("2026-11")).containsExactly(
                Map.entry("AAAAA-BBBBB-CCCCC-DDDDD", "120/120/already closed"),
                Map.entry("EEEEE-FFFFF-GGGGG-HHHHH", "7/7/already closed"),
                Map.entry("IIIII-JJJJJ-KKKKK-LLLLL", "0/0/already closed"),
                Map.entry("MMMMM-NNNNN-OOOOO-PPPPP", "0/0/already closed"));
        assertThat(a.value("render")).as("the usage after the close stays").isEqualTo(5);
        assertThat(emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY)).as("only the permission probe")
                .hasSize(decrements + 1);

        close("2026-12", "--reset");
        assertThat(statement("2026-12")).containsEntry("AAAAA-BBBBB-CCCCC-DDDDD", "5/5/closed")
                .containsEntry("EEEEE-FFFFF-GGGGG-HHHHH", "0/0/closed");
        assertThat(a.value("render")).isZero();
    }

    @Test
    void carryBillsTheGrowthOverThreePeriodsAndLeavesTheCounter() throws IOException {
        vendorToken();
        LicenseKey a = product().key("AAAAA-BBBBB-CCCCC-DDDDD");
        a.dataObject("render", 100);
        LicenseKey b = product().key("EEEEE-FFFFF-GGGGG-HHHHH");
        b.dataObject("render", 10);

        close("2027-01", "--carry");
        use(a, 50);
        close("2027-02", "--carry");
        use(a, 25);
        use(b, 1);
        close("2027-03", "--carry");
        close("2027-02", "--carry");

        assertThat(statement("2027-01")).containsEntry("AAAAA-BBBBB-CCCCC-DDDDD", "100/100/closed")
                .containsEntry("EEEEE-FFFFF-GGGGG-HHHHH", "10/10/closed");
        assertThat(statement("2027-02")).containsEntry("AAAAA-BBBBB-CCCCC-DDDDD", "150/50/already closed")
                .containsEntry("EEEEE-FFFFF-GGGGG-HHHHH", "10/0/already closed");
        assertThat(statement("2027-03")).containsEntry("AAAAA-BBBBB-CCCCC-DDDDD", "175/25/closed")
                .containsEntry("EEEEE-FFFFF-GGGGG-HHHHH", "11/1/closed");
        assertThat(a.value("render")).isEqualTo(175);
        assertThat(emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY)).isEmpty();
        assertThat(emulator.requests(Endpoint.SET_INT_VALUE_TO_KEY)).isEmpty();
    }

    @Test
    void aCloseKilledHalfWayAndRunAgainBillsEveryKeyOnce() throws Exception {
        vendorToken();
        List<LicenseKey> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            LicenseKey key = product().key(String.format("KEY-%02d", i));
            key.dataObject("render", 10 + i);
            keys.add(key);
        }
        emulator.failAlways(Fault.latency(Duration.ofMillis(15)));
        Process process = VendorJar.start(TOKEN, args("close", "--period", "2026-11", "--feature", "render", "--reset",
                "--out", dir.resolve("statements").toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY).size() < 8 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        emulator.clearFaults();
        assertThat(dir.resolve("statements")).as("no statement from a killed run").doesNotExist();

        for (LicenseKey key : keys) {
            use(key, 3); // the product goes on counting
        }
        close("2026-11", "--reset");

        Map<String, String> rows = statement("2026-11");
        assertThat(rows).hasSize(30);
        for (int i = 0; i < 30; i++) {
            // A key read before the kill is billed its 10+i; one first read by the second run also the 3 after.
            String[] row = rows.get(String.format("KEY-%02d", i)).split("/");
            int read = Integer.parseInt(row[0]);
            assertThat(read).as("key %d", i).isIn(10 + i, 13 + i);
            assertThat(Integer.parseInt(row[1])).as("key %d billed what was read", i).isEqualTo(read);
            assertThat(keys.get(i).value("render") + read).as("key %d: billed plus left is all it used", i).isEqualTo(13 + i);
        }
        assertThat(keys.get(0).value("render")).as("the first key was read before the kill").isEqualTo(3);
        assertThat(rows.values()).anyMatch(v -> v.endsWith("/already closed")).anyMatch(v -> v.endsWith("/closed"));
    }

    @Test
    void aCloseKilledWhileACounterCarriesTheTagIsFinishedByTheNextRun() throws Exception {
        vendorToken();
        LicenseKey a = product().key("AAAAA-BBBBB-CCCCC-DDDDD");
        a.dataObject("render", 120);
        LicenseKey b = product().key("EEEEE-FFFFF-GGGGG-HHHHH");
        b.dataObject("render", 9);
        emulator.failNext(Endpoint.SET_INT_VALUE_TO_KEY, 1, Fault.latency(Duration.ZERO)); // the permission probe
        emulator.failNext(Endpoint.SET_INT_VALUE_TO_KEY, 1, Fault.noReply());               // the first key's mark
        Process process = VendorJar.start(TOKEN, args("close", "--period", "2026-11", "--feature", "render", "--reset",
                "--out", dir.resolve("statements").toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (emulator.requests(Endpoint.SET_INT_VALUE_TO_KEY).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(a.value("render")).as("killed with the tag on").isEqualTo(120 + (1 << 30));

        use(a, 4);
        close("2026-11", "--reset");

        assertThat(statement("2026-11")).containsExactly(Map.entry("AAAAA-BBBBB-CCCCC-DDDDD", "120/120/closed"),
                Map.entry("EEEEE-FFFFF-GGGGG-HHHHH", "9/9/closed"));
        assertThat(a.value("render")).isEqualTo(4);
        assertThat(b.value("render")).isZero();
    }

    @Test
    void a429AndServerErrorsAreRetriedAndALostAnswerIsNotSentAgain() throws IOException {
        vendorToken();
        LicenseKey a = product().key("AAAAA-BBBBB-CCCCC-DDDDD");
        a.dataObject("render", 120);
        emulator.failNext(Endpoint.GET_KEYS, 2, Fault.tooManyRequests());
        emulator.failNext(Endpoint.LIST_DATA_OBJECTS_TO_KEY, 1, Fault.serverError());
        emulator.failNext(Endpoint.DECREMENT_INT_VALUE_TO_KEY, 1, Fault.latency(Duration.ZERO)); // the permission probe
        emulator.failNext(Endpoint.DECREMENT_INT_VALUE_TO_KEY, 1, Fault.lostReply());            // applied, answer lost
        emulator.failNext(Endpoint.ADD_DATA_OBJECT_TO_KEY, 1, Fault.http(502, "<html>Bad Gateway</html>"));

        close("2026-11", "--reset");

        assertThat(statement("2026-11")).containsExactly(Map.entry("AAAAA-BBBBB-CCCCC-DDDDD", "120/120/closed"));
        assertThat(a.value("render")).isZero();
        assertThat(emulator.requests(Endpoint.GET_KEYS)).extracting(c -> c.status()).containsExactly(429, 429, 200);
        assertThat(emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY)).as("probe, then the one decrement").hasSize(2);
    }

    @Test
    void aTopupTwiceWithOneOrderIdAddsOnce() {
        vendorToken();
        LicenseKey a = product().key("AAAAA-BBBBB-CCCCC-DDDDD");
        a.dataObject("export", 20);
        String[] topup = args("topup", "--key", "AAAAA-BBBBB-CCCCC-DDDDD", "--feature", "export", "--units", "500",
                "--order", "A-1001", "--format", "csv");

        VendorJar.Result first = VendorJar.run(TOKEN, topup);
        VendorJar.Result second = VendorJar.run(TOKEN, topup);

        assertThat(first.exit()).as("%s", first).isZero();
        assertThat(first.out()).contains("AAAAA-BBBBB-CCCCC-DDDDD,export,A-1001,500,520,applied");
        assertThat(second.exit()).as("%s", second).isZero();
        assertThat(second.out()).contains("AAAAA-BBBBB-CCCCC-DDDDD,export,A-1001,0,520,already applied");
        assertThat(a.value("export")).isEqualTo(520);

        VendorJar.Result reused = VendorJar.run(TOKEN, args("topup", "--key", "AAAAA-BBBBB-CCCCC-DDDDD", "--feature",
                "export", "--units", "50", "--order", "A-1001"));
        assertThat(reused.exit()).isEqualTo(1);
        assertThat(reused.errLines()).containsExactly("tollgate-vendor: key AAAAA-BBBBB-CCCCC-DDDDD: order A-1001 was "
                + "already used on this key for 500 units of export");
        assertThat(a.value("export")).isEqualTo(520);
    }

    @Test
    void aTopupCreatesAMissingCounterFromATokenFile() throws IOException {
        vendorToken();
        LicenseKey a = product().key("AAAAA-BBBBB-CCCCC-DDDDD");
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");

        VendorJar.Result r = VendorJar.run(null, args("topup", "--token-file", tokenFile.toString(), "--key",
                "AAAAA-BBBBB-CCCCC-DDDDD", "--feature", "export", "--units", "30", "--order", "B-7"));

        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(a.value("export")).isEqualTo(30);
    }

    @Test
    void aTokenWithoutDecrementIntValueSaysSoAndChangesNothing() {
        emulator.token(TOKEN, VENDOR.stream().filter(p -> p != Permission.DECREMENT_INT_VALUE).toList()).keyLock(-1);
        LicenseKey a = product().key("AAAAA-BBBBB-CCCCC-DDDDD");
        a.dataObject("render", 120);
        product().key("EEEEE-FFFFF-GGGGG-HHHHH").dataObject("render", 7);

        VendorJar.Result r = VendorJar.run(TOKEN, args("close", "--period", "2026-11", "--feature", "render", "--reset",
                "--out", dir.resolve("statements").toString()));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("tollgate-vendor: the token may not call data/DecrementIntValueToKey "
                + "(Access denied.): it needs the DecrementIntValue permission, and a product lock of 0 or 3941; nothing was changed");
        assertThat(r.out()).isEmpty();
        assertThat(a.value("render")).isEqualTo(120);
        assertThat(a.dataObjects()).hasSize(1);
        assertThat(emulator.requests(Endpoint.ADD_DATA_OBJECT_TO_KEY)).isEmpty();
        assertThat(emulator.requests(Endpoint.INCREMENT_INT_VALUE_TO_KEY)).allMatch(c -> "0".equals(c.param("IntValue").orElse("")));
        assertThat(dir.resolve("statements")).doesNotExist();
    }

    @Test
    void aWrongTokenAnUnknownProductAndAnUnknownKeyEachEndWithOneLine() {
        vendorToken();
        product().key("AAAAA-BBBBB-CCCCC-DDDDD").dataObject("render", 1);

        VendorJar.Result wrong = VendorJar.run("not-the-token", args("usage"));
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.errLines()).containsExactly("tollgate-vendor: the token was not accepted (Unable to authenticate.): "
                + "check CRYPTOLENS_TOKEN or --token-file");

        VendorJar.Result product = VendorJar.run(TOKEN, "usage", "--url", emulator.url(), "--product", "4242");
        assertThat(product.exit()).isEqualTo(1);
        assertThat(product.errLines()).containsExactly("tollgate-vendor: product 4242 was not found (Could not find the product.)");

        VendorJar.Result key = VendorJar.run(TOKEN, args("close", "--key", "NO-SUCH-KEY", "--period", "2026-11",
                "--feature", "render", "--carry", "--out", dir.resolve("statements").toString()));
        assertThat(key.exit()).isEqualTo(1);
        assertThat(key.errLines()).containsExactly("tollgate-vendor: key NO-SUCH-KEY was not found in product 3941, or "
                + "the token's key lock excludes it (Not enough permission and/or key not found.); nothing was changed");
    }

    @Test
    void noTokenAndAPlainHttpServiceAreRefusedBeforeAnyCall() {
        VendorJar.Result none = VendorJar.run(null, args("usage"));
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.errLines()).containsExactly(
                "tollgate-vendor: no token: set CRYPTOLENS_TOKEN or give --token-file FILE (a token is never an argument)");

        VendorJar.Result http = VendorJar.run(TOKEN, "usage", "--url", "http://tollgate.invalid", "--product", "1");
        assertThat(http.exit()).isEqualTo(1);
        assertThat(http.errLines()).hasSize(1).first().asString().startsWith("tollgate-vendor: --url http://tollgate.invalid is plain http");

        VendorJar.Result argument = VendorJar.run(null, "usage", "--product", "1", "--token", TOKEN);
        assertThat(argument.exit()).isEqualTo(2);
        assertThat(argument.errLines()).containsExactly(
                "tollgate-vendor: a token is never given as an argument: set CRYPTOLENS_TOKEN or use --token-file FILE");
        assertThat(emulator.requests()).isEmpty();
    }

    @Test
    void theJarIsSelfContained() throws IOException {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(VendorJar.jar().toFile());
             Stream<java.util.jar.JarEntry> entries = jar.stream()) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.tollgate.vendor.Main");
            assertThat(entries.map(java.util.jar.JarEntry::getName)).contains("picocli/CommandLine.class",
                    "okhttp3/OkHttpClient.class", "org/apache/commons/csv/CSVPrinter.class",
                    "com/fasterxml/jackson/databind/ObjectMapper.class");
        }
    }
}
