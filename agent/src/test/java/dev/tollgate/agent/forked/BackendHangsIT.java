package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tollgate.testkit.CryptolensEmulator;
import dev.tollgate.testkit.Endpoint;
import dev.tollgate.testkit.Fault;
import dev.tollgate.testkit.LicenseKey;
import dev.tollgate.testkit.Permission;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Cryptolens backend that accepts requests and never answers, under the packaged agent: the first paid call
 * waits out the read timeout, and every later one is decided by its feature's policy without reaching the
 * backend, until a background probe finds it answering again.
 */
class BackendHangsIT {

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void afterOneTimeoutPaidCallsAreDecidedAtOnceUntilTheBackendAnswersAgain(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        List<Integer> stepsWhileHanging = new ArrayList<>();
        try (CryptolensEmulator emulator = CryptolensEmulator.start()) {
            emulator.token(CryptolensIT.TOKEN, Permission.allData()).keyLock(-1);
            LicenseKey key = emulator.product(CryptolensIT.PRODUCT).key(CryptolensIT.KEY);
            key.dataObject("denying", 100);
            key.dataObject("allowing", 100);
            ForkedJvm.write(dir, "tollgate.yml", CryptolensIT.config(emulator.url(), "readTimeout: 1500ms", """
                    denying:  { mode: credits, onBackendFailure: deny }
                    allowing: { mode: credits, onBackendFailure: allow }
                    """));
            List<Runnable> steps = List.of(
                    () -> {
                        emulator.clearRequests();
                        emulator.failAlways(Fault.noReply());
                    },
                    () -> {
                        stepsWhileHanging.add(emulator.requests(Endpoint.DECREMENT_INT_VALUE_TO_KEY).size());
                        BreakerProbes.clearFaultsAndAwaitBackend(emulator);
                    });

            ForkedJvm.Result r = ForkedJvm.scenarios(jdk, dir, CryptolensIT.ENV, "tollgate.yml", steps,
                    "denying=1", "allowing=1", "pause", // answering: both charged
                    "denying=5", "allowing=5", "pause", // hanging
                    "denying=1", "allowing=1");         // answering again

            assertThat(r.exit()).as(r.toString()).isZero();
            List<Map<String, String>> denying = r.all("denying");
            List<Map<String, String>> allowing = r.all("allowing");
            assertThat(denying.get(0)).as(r.toString()).containsEntry("returned", "1");
            assertThat(allowing.get(0)).as(r.toString()).containsEntry("returned", "1");

            assertThat(stepsWhileHanging).as("counter steps sent while the backend hung: only the first call's")
                    .containsExactly(1);
            assertThat(denying.get(1)).as(r.toString()).containsEntry("returned", "0").containsEntry("denied", "5")
                    .containsEntry("reason", "BACKEND_UNAVAILABLE");
            assertThat(denying.get(1).get("message")).as("the last denial").contains("is not answering",
                    "checking in the background");
            assertThat(allowing.get(1)).as(r.toString()).containsEntry("returned", "5").containsEntry("bodies", "6");

            assertThat(denying.get(2)).as(r.toString()).containsEntry("returned", "1").containsEntry("bodies", "2");
            assertThat(allowing.get(2)).as(r.toString()).containsEntry("returned", "1");
            assertThat(key.value("denying")).as("charged before and after the hang").isEqualTo(98);
            assertThat(key.value("allowing")).as("charged before and after; the allowed calls ran uncharged")
                    .isEqualTo(98);

            assertThat(r.agentLines()).as(r.toString())
                    .filteredOn(l -> l.startsWith("[tollgate] warning: cryptolens ") && l.contains(" is not answering (a step "
                            + "failed after ")).hasSize(1);
            assertThat(r.agentLines()).as(r.toString()).filteredOn(l -> l.contains("answers again after")).hasSize(1);
            assertThat(r.out() + r.err()).doesNotContain(CryptolensIT.TOKEN);
        }
    }
}
