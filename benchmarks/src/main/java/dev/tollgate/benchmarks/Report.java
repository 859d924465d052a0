package dev.tollgate.benchmarks;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JMH CSV results ({@code -rf csv}) into the Markdown tables of a results file: per benchmark class
 * and thread count, each benchmark's score with its error, its ratio to the class's yardstick measured
 * in the same run (and the range of that ratio when both scores move within their errors), and its
 * allocation per call ({@code gc.alloc.rate.norm}, from {@code -prof gc}).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tollgate.benchmarks.Report results-t1.csv results-t2.csv ...
 * java -cp benchmarks/target/benchmarks.jar dev.tollgate.benchmarks.Report --defaults --requests requests.csv local.csv emulator.csv
 * </pre>
 *
 * Yardsticks: {@code baseline_atomicBoundedDecrement} for {@link CallCostBenchmark} (target for a
 * {@code tollgate_*} row: at most 2x, and no allocation), {@code baseline_bareOkHttpPost} for
 * {@link StrictLoopbackBenchmark} (target: at most 1.2x). With {@code --defaults} (issue 15, {@code defaults.sh})
 * each {@code tollgate_*} row has its own: a usage row ({@code tollgate_batched*}) {@code peer_longAdderIncrement},
 * a credits row {@code baseline_atomicBoundedDecrement}, of the same table; target at most 4x. {@code --requests}
 * adds the table of requests the emulator received ({@link Requests}).
 */
public final class Report {

    /** Below this many bytes per call JMH's own noise dominates; such a benchmark allocates nothing per call. */
    static final double ZERO_ALLOCATION = 0.5;

    record Row(String benchmark, double score, double error, String unit) {
    }

    private record Yardstick(String benchmark, double limit, boolean zeroAllocation, String label) {
    }

    private static final Map<String, Yardstick> YARDSTICKS = Map.of(
            "CallCostBenchmark", new Yardstick("baseline_atomicBoundedDecrement", 2.0, true, "x atomic"),
            "StrictLoopbackBenchmark", new Yardstick("baseline_bareOkHttpPost", 1.2, false, "x bare OkHttp"));

    /** Where each class's Tollgate rows run, for the tables' titles. */
    private static final Map<String, String> BACKENDS = Map.of(
            "CallCostBenchmark", " (local ledger)",
            "StrictLoopbackBenchmark", " (Cryptolens emulator on loopback)",
            "CryptolensDefaultsBenchmark", " (Cryptolens emulator on loopback)");

    /** Issue 15's yardsticks for the defaults ({@code --defaults}): credits against the AtomicLong, usage against LongAdder. */
    private static final Yardstick CREDITS_DEFAULT =
            new Yardstick("baseline_atomicBoundedDecrement", 4.0, false, "AtomicLong bounded decrement");
    private static final Yardstick USAGE_DEFAULT = new Yardstick("peer_longAdderIncrement", 4.0, false, "LongAdder.increment");

    private Report() {
    }

    /**
     * The yardstick of one row: with {@code --defaults} a {@code tollgate_*} row's own (usage rows, named
     * {@code tollgate_batched*}, against {@code LongAdder.increment}, credits rows against the AtomicLong
     * bounded decrement; target at most 4x), else the class's.
     */
    private static Yardstick yardstick(boolean defaults, String type, String benchmark) {
        if (!defaults) {
            return YARDSTICKS.get(type);
        }
        if (!benchmark.startsWith("tollgate_")) {
            return null;
        }
        return benchmark.startsWith("tollgate_batched") ? USAGE_DEFAULT : CREDITS_DEFAULT;
    }

    public static void main(String[] args) throws IOException {
        boolean defaults = false;
        Path requests = null;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--defaults")) {
                defaults = true;
            } else if (args[i].equals("--requests") && i + 1 < args.length) {
                requests = Path.of(args[++i]);
            } else {
                files.add(args[i]);
            }
        }
        if (files.isEmpty()) {
            System.err.println("usage: Report [--defaults] [--requests requests.csv] <jmh-result.csv>...");
            System.exit(2);
        }
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        stdout.print(tables(defaults, requests, files));
        stdout.flush();
    }

    /** The Markdown tables of these JMH CSV files (and of the request counts, if given). */
    static String tables(boolean defaults, Path requests, List<String> files) throws IOException {
        // class -> threads -> benchmark -> row; and the allocation rows beside them
        Map<String, Map<Integer, Map<String, Row>>> scores = new TreeMap<>();
        Map<String, Map<Integer, Map<String, Row>>> allocations = new TreeMap<>();
        for (String file : files) {
            List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                List<String> cells = parseCsv(line);
                if (cells.size() < 7) {
                    continue;
                }
                String full = cells.get(0);
                int threads = Integer.parseInt(cells.get(2));
                Row row;
                String secondary = null;
                int colon = full.indexOf(':');
                String name = colon < 0 ? full : full.substring(0, colon);
                if (colon >= 0) {
                    secondary = full.substring(colon + 1);
                }
                int dot = name.lastIndexOf('.');
                String method = name.substring(dot + 1);
                String type = name.substring(name.lastIndexOf('.', dot - 1) + 1, dot);
                row = new Row(method, number(cells.get(4)), number(cells.get(5)), cells.get(6));
                if (secondary == null) {
                    scores.computeIfAbsent(type, k -> new TreeMap<>()).computeIfAbsent(threads, k -> new LinkedHashMap<>())
                            .put(method, row);
                } else if (secondary.equals("gc.alloc.rate.norm")) {
                    allocations.computeIfAbsent(type, k -> new TreeMap<>())
                            .computeIfAbsent(threads, k -> new LinkedHashMap<>()).put(method, row);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (var byClass : scores.entrySet()) {
            String type = byClass.getKey();
            for (var byThreads : byClass.getValue().entrySet()) {
                int threads = byThreads.getKey();
                Map<String, Row> rows = byThreads.getValue();
                Map<String, Row> allocs = allocations.getOrDefault(type, Map.of()).getOrDefault(threads, Map.of());
                Yardstick classYardstick = YARDSTICKS.get(type);
                out.append("### ").append(type).append(BACKENDS.getOrDefault(type, "")).append(", ").append(threads)
                        .append(threads == 1 ? " thread" : " threads").append("\n\n");
                String unit = rows.values().iterator().next().unit();
                out.append("| benchmark | ").append(unit).append(" | error (99.9%) | ")
                        .append(defaults ? "yardstick (same run) | x yardstick"
                                : classYardstick == null || !rows.containsKey(classYardstick.benchmark()) ? "ratio"
                                : classYardstick.label())
                        .append(" | ratio within the errors | B/op | target |\n");
                out.append(defaults ? "|---|---:|---:|---|---:|---:|---:|---|\n" : "|---|---:|---:|---:|---:|---:|---|\n");
                for (Row r : rows.values()) {
                    Yardstick yardstick = yardstick(defaults, type, r.benchmark());
                    Row base = yardstick == null ? null : rows.get(yardstick.benchmark());
                    Row alloc = allocs.get(r.benchmark());
                    double ratio = base == null ? Double.NaN : r.score() / base.score();
                    out.append("| ").append(r.benchmark())
                            .append(" | ").append(score(r.score()))
                            .append(" | ").append(Double.isNaN(r.error()) ? "" : "± " + score(r.error()));
                    if (defaults) {
                        out.append(" | ").append(base == null ? "" : yardstick.label());
                    }
                    out.append(" | ").append(Double.isNaN(ratio) ? "" : ratio(ratio))
                            .append(" | ").append(base == null || r == base ? "" : range(r, base))
                            .append(" | ").append(alloc == null ? "" : bytes(alloc.score()))
                            .append(" | ").append(target(yardstick, r, base, ratio, alloc))
                            .append(" |\n");
                }
                out.append('\n');
            }
        }
        if (requests != null) {
            out.append(Requests.table(requests, scores));
        }
        return out.toString();
    }

    /**
     * "met" or "not met" on the mean scores; "(within the errors)" when the ratio's range from the errors
     * reaches across the limit, so that this run cannot tell.
     */
    private static String target(Yardstick y, Row r, Row base, double ratio, Row alloc) {
        if (y == null || base == null || !r.benchmark().startsWith("tollgate_") || Double.isNaN(ratio)) {
            return "";
        }
        StringBuilder t = new StringBuilder();
        boolean met = ratio <= y.limit();
        boolean unsure = false;
        if (!Double.isNaN(r.error()) && !Double.isNaN(base.error())) {
            double low = Math.max(0, r.score() - r.error()) / (base.score() + base.error());
            double highBase = base.score() - base.error();
            double high = highBase <= 0 ? Double.POSITIVE_INFINITY : (r.score() + r.error()) / highBase;
            unsure = low <= y.limit() && high > y.limit();
        }
        t.append("≤ ").append(ratio(y.limit()));
        if (y.zeroAllocation()) {
            t.append(", 0 B/op");
            boolean allocates = alloc == null || alloc.score() >= ZERO_ALLOCATION;
            if (allocates) {
                met = false;
                unsure = false;
            }
        }
        return t.append(met ? ": met" : ": not met").append(unsure ? " (within the errors)" : "").toString();
    }

    /**
     * The ratio's range if both scores sit anywhere inside their error intervals: a ratio whose range
     * spans the target has not been shown to meet it, or to miss it, by this run.
     */
    private static String range(Row r, Row base) {
        if (Double.isNaN(r.error()) || Double.isNaN(base.error())) {
            return "";
        }
        double low = Math.max(0, r.score() - r.error()) / (base.score() + base.error());
        double highBase = base.score() - base.error();
        String high = highBase <= 0 ? "∞" : ratio((r.score() + r.error()) / highBase);
        return ratio(low).replace("x", "") + "–" + high;
    }

    static String score(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ratio(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0fx", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1fx", v);
        }
        return String.format(Locale.ROOT, "%.2fx", v);
    }

    private static String bytes(double v) {
        return v < ZERO_ALLOCATION ? "≈ 0" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static double number(String cell) {
        try {
            return Double.parseDouble(cell.replace(',', '.'));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** One line of JMH's CSV: fields separated by commas, text in double quotes. */
    static List<String> parseCsv(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
