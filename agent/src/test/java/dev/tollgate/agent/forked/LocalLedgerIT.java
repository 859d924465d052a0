package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The embedded ledger on real JVMs: it survives restarts, two JVMs at once, and kill -9. */
class LocalLedgerIT {

    static List<ForkedJvm.Jdk> jdks() {
        return ForkedJvm.jdks();
    }

    private static void config(Path dir, int credits) {
        ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  credits:
                    export: %d
                    threads: %d
                features:
                  export:  { mode: credits }
                  threads: { mode: credits }
                """.formatted(credits, credits));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void balancesSurviveARestartAndTheOpeningBalanceIsNotAppliedTwice(ForkedJvm.Jdk jdk, @TempDir Path dir) {
        config(dir, 3);
        ForkedJvm.Result first = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "export=2", "balance");
        assertThat(first.fields("export")).as(first.toString()).containsEntry("returned", "2");
        assertThat(first.line("balance")).isEqualTo("export=1 active=true");

        ForkedJvm.Result second = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "export=2", "balance");
        assertThat(second.fields("export")).as(second.toString()).containsEntry("returned", "1")
                .containsEntry("bodies", "1").containsEntry("denied", "1").containsEntry("reason", "CREDITS_EXHAUSTED");
        assertThat(second.line("balance")).isEqualTo("export=0 active=true");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void twoJvmsOnOneLedgerNeverSpendMoreThanTheCredits(ForkedJvm.Jdk jdk, @TempDir Path dir) throws Exception {
        config(dir, 300);
        // Each JVM runs 8 threads that could each spend all 300 credits alone.
        Process a = ForkedJvm.start(jdk, dir, List.of(ForkedJvm.agentOption("tollgate.yml")), List.of(),
                "fixtures.Scenarios", "threads=300");
        Process b = ForkedJvm.start(jdk, dir, List.of(ForkedJvm.agentOption("tollgate.yml")), List.of(),
                "fixtures.Scenarios", "threads=300");
        Map<String, String> ra = threadsLine(a);
        Map<String, String> rb = threadsLine(b);
        int returned = Integer.parseInt(ra.get("returned")) + Integer.parseInt(rb.get("returned"));
        int bodies = Integer.parseInt(ra.get("bodies")) + Integer.parseInt(rb.get("bodies"));
        assertThat(returned).as("calls that returned in both JVMs: " + ra + " / " + rb).isEqualTo(300);
        assertThat(bodies).isEqualTo(300);

        ForkedJvm.Result after = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "threads=10");
        assertThat(after.fields("threads")).containsEntry("returned", "0");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void killMinus9NeitherLosesAChargeNorCorruptsTheLedger(ForkedJvm.Jdk jdk, @TempDir Path dir) throws Exception {
        int credits = 1_000_000;
        config(dir, credits);
        long spent = 0;
        for (int round = 0; round < 3; round++) {
            Process p = ForkedJvm.start(jdk, dir, List.of(ForkedJvm.agentOption("tollgate.yml")), List.of(),
                    "fixtures.Scenarios", "forever");
            long returned = 0;
            long killAfter = 50 + round * 137L; // different moments in each round
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("returned ")) {
                        returned = Long.parseLong(line.substring("returned ".length()));
                        if (returned == killAfter) {
                            kill9(p);
                        }
                    }
                }
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(137);

            ForkedJvm.Result check = ForkedJvm.scenarios(jdk, dir, "tollgate.yml", "balance");
            assertThat(check.exit()).as(check.toString()).isZero();
            assertThat(check.agentLines()).noneMatch(l -> l.contains("corrupt"));
            long balance = Long.parseLong(check.line("balance").replaceAll("export=(\\d+) .*", "$1"));
            long charged = credits - spent - balance;
            // Every call that returned was charged; at most the one call in flight was charged without returning.
            assertThat(charged).as("charged in round %d, with %d calls returned", round, returned)
                    .isBetween(returned, returned + 1);
            spent += charged;
        }
    }

    private static Map<String, String> threadsLine(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(ForkedJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        ForkedJvm.Result r = new ForkedJvm.Result(p.exitValue(), out, err);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.fields("threads");
    }

    private static void kill9(Process p) {
        try {
            new ProcessBuilder("kill", "-9", String.valueOf(p.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            p.destroyForcibly(); // SIGKILL on Unix as well
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
