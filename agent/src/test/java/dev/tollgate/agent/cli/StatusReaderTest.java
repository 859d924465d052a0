package dev.tollgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.config.Config;
import dev.tollgate.agent.config.ConfigLoader;
import dev.tollgate.agent.config.Feature;
import dev.tollgate.agent.journal.Journal;

/** A feature on a remote backend: the balance with leases and unsent usage, the grace left, the last sync. */
class StatusReaderTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final long MINUTE = 60_000;

    @TempDir
    Path dir;

    private Feature feature(String yaml) {
        Config c = new ConfigLoader(Map.of(), dir.toString()).parse("features:\n" + yaml.indent(2), "t.yml", dir);
        assertThat(c.problems()).isEmpty();
        return c.features().values().iterator().next();
    }

    private final Backend backend = mock(Backend.class);

    @Test
    void leasedCreditsAreAddedBackAndUseBeyondTheLeaseCountsAgainstTheGrace() throws IOException {
        Feature export = feature("export: { mode: credits, sync: leased, onBackendFailure: grace,"
                + " grace: { units: 50, time: 1h } }");
        when(backend.read("export")).thenReturn(Outcome.granted(40));
        Journal j = Journal.create(dir, "export", true);
        j.state(j.state().granted(10).synced(NOW - 10 * MINUTE));
        j.claim().add(13); // 10 from the lease, 3 served offline beyond it
        j.close();

        FeatureStatus s = new StatusReader(LockHolders.parse(""), NOW).remote(export, backend, dir);

        assertThat(s.balance).isEqualTo(40 + 10 - 13);
        assertThat(s.unconfirmed()).isEqualTo(3);
        assertThat(s.journals).singleElement().satisfies(js -> {
            assertThat(js.running).isFalse();
            assertThat(js.held).isZero();
            assertThat(js.used).isEqualTo(13);
        });
        assertThat(s.grace.unitsLeft).isEqualTo(47);
        assertThat(s.grace.millisLeft).isEqualTo(50 * MINUTE);
        assertThat(s.lastSync).isEqualTo(NOW - 10 * MINUTE);
        assertThat(s.error).isNull();
        verify(backend).read("export");
        verifyNoMoreInteractions(backend); // a read, and nothing that moves a counter
    }

    @Test
    void unsentUsageIsAddedAndTheLastSyncComesFromTheMarkerAnEmptiedJournalLeft() throws IOException {
        Feature render = feature("render: { mode: usage, sync: batched, dataObject: renders, bound: 500 }");
        when(backend.read("renders")).thenReturn(Outcome.granted(100));
        Journal j = Journal.create(dir, "renders", false);
        j.state(j.state().confirmed(4));
        j.claim().add(9);
        Files.write(dir.resolve("renders.synced"), ByteBuffer.allocate(8).putLong(NOW - 2 * MINUTE).array());

        FeatureStatus s = new StatusReader(LockHolders.parse(""), NOW).remote(render, backend, dir);
        j.close();

        assertThat(s.balance).isEqualTo(105);
        assertThat(s.cap).isEqualTo(500);
        assertThat(s.unconfirmed()).isEqualTo(5);
        assertThat(s.lastSync).isEqualTo(NOW - 2 * MINUTE);
        assertThat(s.grace).isNull();
    }

    @Test
    void graceTimeIsUsedUpWhenTheLastSyncIsLongerAgoAndCountsFromTheNextStartWhenNoneIsRecorded() throws IOException {
        Feature export = feature("export: { mode: credits, sync: leased, onBackendFailure: grace, grace: { time: 1h } }");
        when(backend.read("export")).thenReturn(Outcome.granted(0));
        Files.write(dir.resolve("export.synced"), ByteBuffer.allocate(8).putLong(NOW - 90 * MINUTE).array());

        FeatureStatus old = new StatusReader(LockHolders.parse(""), NOW).remote(export, backend, dir);
        assertThat(old.grace.millisLeft).isZero();
        assertThat(old.grace.units).isNull();

        Files.delete(dir.resolve("export.synced"));
        FeatureStatus none = new StatusReader(LockHolders.parse(""), NOW).remote(export, backend, dir);
        assertThat(none.lastSync).isNull();
        assertThat(none.grace.millisLeft).isEqualTo(60 * MINUTE);
    }

    @Test
    void whereTheSystemListsNoLocksAJournalsProcessIsUnknownRatherThanEnded() throws IOException {
        Feature render = feature("render: { mode: usage, sync: batched }");
        when(backend.read("render")).thenReturn(Outcome.granted(1));
        Journal j = Journal.create(dir, "render", false);
        j.claim().add(2);

        FeatureStatus s = new StatusReader(LockHolders.unknown(), NOW).remote(render, backend, dir);
        j.close();

        assertThat(s.journals).singleElement().satisfies(js -> {
            assertThat(js.running).isNull();
            assertThat(js.pid).isNull();
        });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new StatusText(new PrintStream(bytes, true, StandardCharsets.UTF_8), NOW)
                .print("t.yml", "test", List.of(s));
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains(": process unknown (this system does not list file locks), 2 used, 2 unconfirmed, 0 held");
    }

    @Test
    void aBackendThatDoesNotAnswerIsTheFeaturesErrorWithWhatItSaid() {
        Feature export = feature("export: { mode: credits }");
        when(backend.read("export")).thenReturn(Outcome.unavailable("connection refused"));

        FeatureStatus s = new StatusReader(LockHolders.parse(""), NOW).remote(export, backend, dir.resolve("none"));

        assertThat(s.balance).isNull();
        assertThat(s.error).startsWith("the backend did not answer: ").contains("connection refused");
        assertThat(s.journals).isEmpty();
    }
}
