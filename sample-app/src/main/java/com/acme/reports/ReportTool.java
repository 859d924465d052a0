package com.acme.reports;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.OptionalLong;

import dev.tollgate.Tollgate;
import dev.tollgate.UsageDeniedException;

/**
 * Acme Reports: a small report tool sold by usage. Summaries are free; HTML exports use prepaid
 * credits ({@code export}); charts are paid per use with a monthly cap ({@code render}).
 *
 * <pre>
 * acme-reports                       a short guided demo on bundled data
 * acme-reports summary [file.csv]    revenue per region (free)
 * acme-reports export [file.csv] out.html
 * acme-reports chart [file.csv]
 * acme-reports balance
 * </pre>
 */
public final class ReportTool {

    private final PrintStream out;
    private final ReportExporter exporter = new ReportExporter();
    private final ChartRenderer charts = new ChartRenderer();

    ReportTool(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new ReportTool(System.out).run(args));
    }

    int run(String[] args) {
        try {
            String command = args.length == 0 ? "demo" : args[0];
            switch (command) {
                case "demo" -> demo();
                case "summary" -> summary(sales(args, 1));
                case "export" -> {
                    if (args.length < 2) {
                        return usage("export needs an output file");
                    }
                    export(args.length > 2 ? Sales.read(Path.of(args[1])) : Sales.bundled(),
                            Path.of(args[args.length - 1]));
                }
                case "chart" -> chart(sales(args, 1));
                case "balance" -> balance();
                default -> {
                    return usage("unknown command '" + command + "'");
                }
            }
            return 0;
        } catch (IOException e) {
            out.println("Error: " + e.getMessage());
            return 1;
        }
    }

    private void demo() throws IOException {
        Sales sales = Sales.bundled();
        out.println("Acme Reports - summaries are free, exports use prepaid credits, charts are pay per use.");
        balance();
        out.println();
        summary(sales);
        out.println();
        for (String quarter : new String[] {"Q1", "Q2", "Q3", "Q4"}) {
            export(sales, Path.of("target", "demo-out", "sales-" + quarter.toLowerCase() + ".html"));
        }
        out.println();
        for (int i = 0; i < 3; i++) {
            chart(sales);
        }
        out.println();
        balance();
    }

    private void summary(Sales sales) {
        out.println("Revenue by region (free):");
        sales.byRegion().forEach((region, revenue) -> out.printf("  %-6s %,12d%n", region, revenue));
        out.printf("  %-6s %,12d%n", "Total", sales.total());
    }

    private void export(Sales sales, Path file) throws IOException {
        try {
            Path written = exporter.export(sales, "Revenue by region", file);
            out.println("Exported " + written + left("export", " export credit(s) left"));
        } catch (UsageDeniedException e) {
            out.println(apology(e));
        }
    }

    private void chart(Sales sales) {
        try {
            out.print(charts.render(sales));
            out.println(left("render", " chart unit(s) used this period"));
        } catch (UsageDeniedException e) {
            out.println(apology(e));
        }
    }

    private void balance() {
        OptionalLong exports = Tollgate.balance("export");
        OptionalLong renders = Tollgate.balance("render");
        if (!Tollgate.isActive()) {
            out.println("Licensing is not active yet: unmetered, unless this build is woven (then the first paid call"
                    + " starts it) or started with -javaagent:tollgate-agent.jar.");
            return;
        }
        out.println("Balance: " + (exports.isPresent() ? exports.getAsLong() + " export credit(s) left" : "exports unknown")
                + ", " + (renders.isPresent() ? renders.getAsLong() + " chart unit(s) used" : "chart usage unknown"));
    }

    private static String left(String feature, String text) {
        OptionalLong b = Tollgate.balance(feature);
        return b.isPresent() ? " (" + b.getAsLong() + text + ")" : "";
    }

    /** Turns a denial into something a customer can act on. */
    static String apology(UsageDeniedException e) {
        String what = e.getFeature().equals("export") ? "HTML export" : "chart rendering";
        return switch (e.getReason()) {
            case CREDITS_EXHAUSTED -> "Sorry, your " + what + " credits are used up (this needs "
                    + e.getUnitsRequested() + "). Top up at https://acme.example/buy and try again.";
            case CAP_REACHED -> "Sorry, you have reached this period's " + what + " limit ("
                    + (e.getCap() >= 0 && e.getUnitsLeft() >= 0 ? "used " + (e.getCap() - e.getUnitsLeft()) + " of "
                    + e.getCap() + ", " : "") + "this needs " + e.getUnitsRequested()
                    + "). It resets with your next billing period.";
            case BACKEND_UNAVAILABLE -> "Sorry, " + what + " needs the licence server, which cannot be reached "
                    + "right now. Please try again in a moment.";
            case OFFLINE -> "Sorry, " + what + " has been used offline for as long as your licence allows. "
                    + "Connect to the internet once so that it can sync, then try again.";
            case MISCONFIGURED -> "Sorry, " + what + " is not available: the licensing setup needs attention ("
                    + e.getMessage() + ").";
            // A reason added by a later Tollgate: a switch expression without this fails on it at run time.
            default -> "Sorry, " + what + " is not available right now (" + e.getMessage() + ").";
        };
    }

    private int usage(String problem) {
        out.println("Error: " + problem);
        out.println("Usage: acme-reports [demo | summary [file.csv] | export [file.csv] out.html | chart [file.csv]"
                + " | balance]");
        return 2;
    }

    private static Sales sales(String[] args, int index) throws IOException {
        return args.length > index ? Sales.read(Path.of(args[index])) : Sales.bundled();
    }
}
