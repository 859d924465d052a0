package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped agent on real JVMs: once 'export' has used its 3 opening credits, no edit of one file of the ledger
 * (the counter file, or its witness under the user's home) serves another call, and the agent says what it found.
 */
class LedgerWitnessIT {

    /** One edit of one file, and the words the agent must say about it. */
    enum Edit {
        DELETE_COUNTER("was deleted or emptied, but the ledger's witness"),
        EMPTY_COUNTER("was deleted or emptied, but the ledger's witness"),
        TRUNCATE_COUNTER("is damaged"),
        DAMAGE_NEWEST_RECORD("is damaged: its newest record fails its checksum"),
        PUT_BACK_OLDER_COPY("is an older copy: it holds step "),
        DELETE_WITNESS("had no witness"),
        DAMAGE_WITNESS("had a damaged witness");

        final String said;

        Edit(String said) {
            this.said = said;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (ForkedJvm.Jdk jdk : ForkedJvm.jdks()) {
            for (Edit e : Edit.values()) {
                all.add(Arguments.of(jdk, e));
            }
        }
        return all.stream();
    }

    private static ForkedJvm.Result run(ForkedJvm.Jdk jdk, Path dir, String... scenarios) {
        return ForkedJvm.run(jdk, dir, List.of(ForkedJvm.agentOption("tollgate.yml"),
                "-Duser.home=" + dir.resolve("home")), List.of(), "fixtures.Scenarios", scenarios);
    }

    private static Path witness(Path dir) {
        try (Stream<Path> found = Files.walk(dir.resolve("home/.tollgate/witness"))) {
            List<Path> all = found.filter(p -> p.toString().endsWith("export.witness")).toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void afterTheCreditsRanOutNoEditOfOneLedgerFileServesAnotherCall(ForkedJvm.Jdk jdk, Edit edit, @TempDir Path dir)
            throws IOException {
        ForkedJvm.write(dir, "tollgate.yml", """
                local:
                  dir: ledger
                  credits:
                    export: 3
                features:
                  export: { mode: credits }
                """);
        Path counter = dir.resolve("ledger/export.counter");
        ForkedJvm.Result first = run(jdk, dir, "export=1");
        assertThat(first.fields("export")).as(first.toString()).containsEntry("returned", "1");
        byte[] older = Files.readAllBytes(counter);
        ForkedJvm.Result spent = run(jdk, dir, "export=3");
        assertThat(spent.fields("export")).as(spent.toString()).containsEntry("returned", "2")
                .containsEntry("reason", "CREDITS_EXHAUSTED");

        byte[] bytes = Files.readAllBytes(counter);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
        int newest = bytes.length > 4096 && b.getLong(4096 + 4) > b.getLong(4) ? 4096 : 0;
        switch (edit) {
            case DELETE_COUNTER -> Files.delete(counter);
            case EMPTY_COUNTER -> Files.write(counter, new byte[0]);
            case TRUNCATE_COUNTER -> Files.write(counter, java.util.Arrays.copyOf(bytes, newest + 20)); // mid-record
            case DAMAGE_NEWEST_RECORD -> {
                bytes[newest + 15] ^= 0x01; // a byte of its value
                Files.write(counter, bytes);
            }
            case PUT_BACK_OLDER_COPY -> Files.write(counter, older);
            case DELETE_WITNESS -> Files.delete(witness(dir));
            case DAMAGE_WITNESS -> Files.write(witness(dir), new byte[64]);
        }

        ForkedJvm.Result after = run(jdk, dir, "export=2", "balance");
        Map<String, String> export = after.fields("export");
        assertThat(export).as(after.toString()).containsEntry("returned", "0").containsEntry("bodies", "0");
        assertThat(after.err()).as(after.toString()).contains(edit.said);
        if (edit.ordinal() <= Edit.PUT_BACK_OLDER_COPY.ordinal()) {
            assertThat(export).containsEntry("reason", "MISCONFIGURED");
            assertThat(export.get("message")).contains(counter.toString()).contains(edit.said)
                    .contains("Put back the latest copy of the file, or ask the vendor of the product");
            assertThat(after.line("balance")).isEqualTo("export=none active=true");
        } else {
            // The counter still holds all its use: the witness is rebuilt from it, and nothing comes back.
            assertThat(export).containsEntry("reason", "CREDITS_EXHAUSTED");
            assertThat(after.line("balance")).isEqualTo("export=0 active=true");
        }
    }
}
