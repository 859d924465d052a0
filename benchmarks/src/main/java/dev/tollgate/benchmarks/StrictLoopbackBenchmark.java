package dev.tollgate.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * A metered call on the {@code cryptolens} backend (strict: one {@code DecrementIntValueToKey} per
 * call) against the testkit's Cryptolens emulator on loopback, beside a bare OkHttp POST of the same
 * form to the same endpoint, made by the benchmark itself: the floor any strict charge over HTTP stands on.
 *
 * <p>Run with {@code java -jar benchmarks.jar --backend cryptolens}: {@link RunBenchmarks} starts the
 * emulator in the launcher process, seeds the counters, attaches the agent with a cryptolens config and
 * passes the endpoint to every fork as {@code -Dtollgate.bench.cryptolens.*} properties.
 *
 * <p>The bare request is the same POST the agent sends (path, headers, the seven form fields in the same
 * order, one-line JSON reply read whole) on one pooled OkHttp client, against its own counter
 * ({@code bare}, also seeded at {@code Integer.MAX_VALUE}). It checks the reply for {@code "result":0}
 * but does not parse it: parsing the JSON is part of what the agent's charge costs beyond the floor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StrictLoopbackBenchmark {

    /** The system properties RunBenchmarks passes to the forks in {@code --backend cryptolens} mode. */
    static final String URL = "tollgate.bench.cryptolens.url";
    static final String PRODUCT_ID = "tollgate.bench.cryptolens.productId";
    static final String KEY = "tollgate.bench.cryptolens.key";
    static final String TOKEN_FILE = "tollgate.bench.cryptolens.tokenFile";
    static final String BARE_ID = "tollgate.bench.cryptolens.bareId";

    /** The argument; a field, so that the JIT cannot fold the body into a constant. */
    int x = 42;

    /** A bare OkHttp client posting the agent's form to {@code DecrementIntValueToKey}, on the {@code bare} counter. */
    @State(Scope.Benchmark)
    public static class BareOkHttp {
        private static final MediaType FORM = MediaType.get("application/x-www-form-urlencoded");
        private OkHttpClient client;
        private String url;
        private byte[] form;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            Body.requireAgent("cryptolens");
            url = required(URL) + "/api/data/DecrementIntValueToKey";
            String token = Files.readString(Path.of(required(TOKEN_FILE)), StandardCharsets.UTF_8).trim();
            // The agent's fields in the agent's order (see the agent's Wire.post and CryptolensBackend.step).
            form = ("token=" + token + "&ProductId=" + required(PRODUCT_ID) + "&Key=" + required(KEY)
                    + "&Id=" + required(BARE_ID) + "&IntValue=1&EnableBound=true&Bound=0")
                    .getBytes(StandardCharsets.UTF_8);
            client = new OkHttpClient.Builder().followRedirects(false).followSslRedirects(false).build();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }

        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        public int call(int x) throws IOException {
            Request request = new Request.Builder()
                    .url(url)
                    .header("Accept", "application/json")
                    .header("User-Agent", "tollgate")
                    .post(RequestBody.create(form, FORM))
                    .build();
            try (Response response = client.newCall(request).execute()) {
                ResponseBody body = response.body();
                String reply = body == null ? "" : body.string();
                if (response.code() != 200 || !reply.contains("\"result\":0")) {
                    throw new IllegalStateException("the emulator refused the bare decrement: HTTP " + response.code()
                            + " " + reply);
                }
            }
            return Body.work(x);
        }

        private static String required(String property) {
            String value = System.getProperty(property);
            if (value == null || value.isEmpty()) {
                throw new IllegalStateException("-D" + property + " is not set; run with: "
                        + "java -jar benchmarks/target/benchmarks.jar --backend cryptolens");
            }
            return value;
        }
    }

    /** {@link Product#strict} on the cryptolens backend: one {@code DecrementIntValueToKey} per call. */
    @State(Scope.Benchmark)
    public static class Strict extends MeteringState {
        public Strict() {
            super("cryptolens", "bench_strict");
        }
    }

    // Hooks for the strategies of issue 5 (benchmarks/README.md, "Adding a strategy"): a state
    //     @State(Scope.Benchmark) public static class Leased extends MeteringState {
    //         public Leased() { super("cryptolens", "bench_leased"); } }
    // and a benchmark
    //     @Benchmark public int tollgate_leasedLoopback(Leased t) { return t.product.leased(x); }
    // and the same for batched.

    @Benchmark
    public int baseline_bareOkHttpPost(BareOkHttp bare) throws IOException {
        return bare.call(x);
    }

    @Benchmark
    public int tollgate_strictLoopback(Strict t) {
        return t.product.strict(x);
    }
}
