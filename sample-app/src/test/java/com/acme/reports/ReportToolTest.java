package com.acme.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.UsageDeniedException;
import dev.tollgate.UsageDeniedException.Reason;

/** The sample product without the agent: it works unmetered and explains denials politely. */
class ReportToolTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ReportTool tool = new ReportTool(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    private String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutTheAgentEveryFeatureRunsAndTheBalanceSaysSo(@TempDir Path dir) throws IOException {
        Path html = dir.resolve("report.html");
        assertThat(tool.run(new String[] {"export", html.toString()})).isZero();
        assertThat(tool.run(new String[] {"chart"})).isZero();
        assertThat(tool.run(new String[] {"balance"})).isZero();

        assertThat(Files.readString(html)).contains("<td>North</td><td>534,900</td>");
        assertThat(out()).contains("West  |########################################")
                .contains("Licensing is not active yet: unmetered, unless this build is woven");
    }

    @Test
    void eachDenialReasonBecomesAMessageACustomerCanActOn() {
        assertThat(ReportTool.apology(new UsageDeniedException("export", Reason.CREDITS_EXHAUSTED, 1, 0, null)))
                .startsWith("Sorry, your HTML export credits are used up (this needs 1). Top up");
        assertThat(ReportTool.apology(new UsageDeniedException("render", Reason.CAP_REACHED, 2, 1, 4, null)))
                .isEqualTo("Sorry, you have reached this period's chart rendering limit (used 3 of 4, this needs 2). "
                        + "It resets with your next billing period.");
        assertThat(ReportTool.apology(new UsageDeniedException("render", Reason.CAP_REACHED, 2, 1, null)))
                .isEqualTo("Sorry, you have reached this period's chart rendering limit (this needs 2). "
                        + "It resets with your next billing period.");
        assertThat(ReportTool.apology(new UsageDeniedException("render", Reason.BACKEND_UNAVAILABLE, 2, -1, "timeout")))
                .contains("cannot be reached right now");
        assertThat(ReportTool.apology(new UsageDeniedException("export", Reason.MISCONFIGURED, 1, -1, "bad config")))
                .contains("the licensing setup needs attention");
        assertThat(ReportTool.apology(new UsageDeniedException("export", Reason.OFFLINE, 1, -1, "grace used up")))
                .contains("used offline for as long as your licence allows");
    }

    @Test
    void anUnknownCommandPrintsUsageAndExitsWithTwo() {
        assertThat(tool.run(new String[] {"frobnicate"})).isEqualTo(2);
        assertThat(out()).contains("Error: unknown command 'frobnicate'").contains("Usage: acme-reports");
    }

    @Test
    void exportWithoutAnOutputFileIsRefused() {
        assertThat(tool.run(new String[] {"export"})).isEqualTo(2);
        assertThat(out()).contains("Error: export needs an output file");
    }

    @Test
    void aMissingInputFileIsReportedWithExitOne(@TempDir Path dir) {
        assertThat(tool.run(new String[] {"summary", dir.resolve("none.csv").toString()})).isEqualTo(1);
        assertThat(out()).startsWith("Error: ");
    }

    @Test
    void badCsvIsRefusedWithItsLine() {
        assertThatThrownBy(() -> Sales.parse(new StringReader("a,b\n"), "x.csv"))
                .hasMessage("x.csv: the first line must be region,quarter,revenue");
        assertThatThrownBy(() -> Sales.parse(new StringReader("region,quarter,revenue\nNorth,Q1\n"), "x.csv"))
                .hasMessage("x.csv:2: expected 3 fields, found 2");
        assertThatThrownBy(() -> Sales.parse(new StringReader("region,quarter,revenue\nNorth,Q1,lots\n"), "x.csv"))
                .hasMessage("x.csv:2: revenue 'lots' is not a whole number");
    }
}
