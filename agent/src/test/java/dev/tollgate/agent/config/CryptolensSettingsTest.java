package dev.tollgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CryptolensSettingsTest {

    static final String TOKEN = "WyI0NTYiLCJzZWNyZXQtdG9rZW4tZm9yLXRlc3RzIl0=";

    static CryptolensSettings.Builder valid() {
        return CryptolensSettings.builder().token(TOKEN).productId(1234).key("FRQHQ-FSOSD-BWOPU-KJOWF");
    }

    @Test
    void defaultsAreThePublicApiAndShortTimeouts() {
        CryptolensSettings s = valid().build();

        assertThat(s.url()).isEqualTo("https://api.cryptolens.io");
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.allowInsecure()).isFalse();
        assertThat(s.machineCode()).isNull();
        assertThat(s.problems()).isEmpty();
    }

    @Test
    void blankValuesCountAsMissingAndValuesAreTrimmed() {
        CryptolensSettings s = valid().url("  ").machineCode(" ").token(" " + TOKEN + "\n").build();

        assertThat(s.url()).isEqualTo(CryptolensSettings.DEFAULT_URL);
        assertThat(s.machineCode()).isNull();
        assertThat(s.token()).isEqualTo(TOKEN);
    }

    @Test
    void missingTokenKeyAndProductIdAreEachNamed() {
        CryptolensSettings s = CryptolensSettings.builder().build();

        assertThat(s.problems()).hasSize(3);
        assertThat(s.problems().get(0)).startsWith("cryptolens.token is missing");
        assertThat(s.problems().get(1)).startsWith("cryptolens.productId is missing");
        assertThat(s.problems().get(2)).startsWith("cryptolens.key is missing");
    }

    @Test
    void negativeProductIdIsAProblem() {
        assertThat(valid().productId(-3).build().problems())
                .containsExactly("cryptolens.productId must be a positive number, not -3");
    }

    @Test
    void nonPositiveTimeoutsAreProblems() {
        CryptolensSettings s = valid().connectTimeout(Duration.ZERO).readTimeout(Duration.ofMillis(-1)).build();

        assertThat(s.problems()).containsExactly(
                "cryptolens.connectTimeout must be positive, not PT0S",
                "cryptolens.readTimeout must be positive, not PT-0.001S");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a url", "api.cryptolens.io", "ftp://api.cryptolens.io", "https://",
            "https://user:pw@api.cryptolens.io", "https://api.cryptolens.io/?token=x", "https://api.cryptolens.io/#x"})
    void badUrlsAreProblems(String url) {
        assertThat(valid().url(url).build().problems()).singleElement().asString().startsWith("cryptolens.url");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com", "http://api.cryptolens.io", "http://128.0.0.1:8080",
            "http://10.0.0.1", "http://localhost.example.com", "http://127.0.0.1.nip.io", "http://[::2]",
            "http://[::1:0]", "http://0x7f000001",
            "http://[::ffff:10.0.0.1]", "HTTP://example.com"})
    void plainHttpToAnotherHostIsRefused(String url) {
        assertThat(valid().url(url).build().problems()).containsExactly(
                "plain http:// is refused except to loopback, because the token would travel unencrypted; use "
                        + "https:// or set cryptolens.allowInsecure: true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080", "http://127.255.3.9", "http://localhost:9000/",
            "http://LOCALHOST", "http://[::1]:8080", "http://[0:0:0:0:0:0:0:1]", "http://[0000::0001]",
            "http://[::ffff:127.0.0.1]", "http://127.0.0.1/prefix"})
    void plainHttpToLoopbackIsAccepted(String url) {
        assertThat(valid().url(url).build().problems()).isEmpty();
    }

    @Test
    void plainHttpToAnotherHostIsAcceptedWithAllowInsecure() {
        assertThat(valid().url("http://license.example.com:8080").allowInsecure(true).build().problems()).isEmpty();
    }

    @Test
    void httpsToAnyHostIsAccepted() {
        assertThat(valid().url("https://license.example.com/cryptolens").build().problems()).isEmpty();
    }

    @Test
    void loopbackIsDecidedFromTheLiteralHostWithoutLookups() {
        assertThat(Loopback.isLoopback("localhost")).isTrue();
        assertThat(Loopback.isLoopback("127.0.0.1")).isTrue();
        assertThat(Loopback.isLoopback("[::1]")).isTrue();
        assertThat(Loopback.isLoopback("::1")).isFalse(); // URL hosts carry IPv6 in brackets
        assertThat(Loopback.isLoopback("127.1")).isFalse();
        assertThat(Loopback.isLoopback("127.0.0.256")).isFalse();
        assertThat(Loopback.isLoopback("[fe80::1%eth0]")).isFalse();
        assertThat(Loopback.isLoopback("a.localhost")).isFalse();
        assertThat(Loopback.isLoopback("[::1::]")).isFalse();
        assertThat(Loopback.isLoopback("[1:2:3:4:5:6:7:8:9]")).isFalse();
        assertThat(Loopback.isLoopback(null)).isFalse();
    }

    @Test
    void toStringNeverShowsTheTokenAndShortensTheKey() {
        String text = valid().machineCode("abc123").build().toString();

        assertThat(text).doesNotContain(TOKEN).contains("token=<redacted, " + TOKEN.length() + " chars>")
                .contains("key=FRQHQ…").doesNotContain("KJOWF").contains("productId=1234")
                .contains("machineCode=abc123");
        assertThat(CryptolensSettings.builder().build().toString()).contains("token=<none>", "key=<none>");
    }

    @Test
    void problemsNeverShowTheToken() {
        CryptolensSettings s = CryptolensSettings.builder().token(TOKEN).url("http://" + TOKEN).build();

        assertThat(String.join("\n", s.problems())).isNotEmpty().doesNotContain(TOKEN);
        assertThat(s.toString()).doesNotContain(TOKEN);
    }

    @Test
    void equalSettingsAreEqualAndToBuilderKeepsEverything() {
        CryptolensSettings s = valid().url("http://example.com").allowInsecure(true).machineCode("m")
                .connectTimeout(Duration.ofMillis(300)).readTimeout(Duration.ofMillis(700)).build();

        assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
        assertThat(s.toBuilder().productId(99).build()).isNotEqualTo(s);
        assertThat(s.hasToken()).isTrue();
    }
}
