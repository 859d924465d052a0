package dev.tollgate.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The "requests to the emulator" table of a results file, from the CSV that {@code RunBenchmarks --requests}
 * writes ({@link ForkWatch}) and the scores of the same run: for each {@code tollgate_*} benchmark, the
 * requests per second the emulator received during the measurement iterations (at full speed), the calls per
 * second the score implies, and how many calls one request served.
 */
final class Requests {

    private Requests() {
    }

    /**
     * @param scores class -> threads -> benchmark -> row, as {@link Report} reads them
     */
    static String table(Path csv, Map<String, Map<Integer, Map<String, Report.Row>>> scores) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder("### Requests to the emulator\n\n");
        out.append("| benchmark | threads | calls/s (from the score) | requests/s, measurement | calls per request"
                + " | requests in measurement | measured s | requests/s, whole forks (warm-up, start and exit included) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            List<String> cells = Report.parseCsv(line);
            if (cells.size() < 6) {
                continue;
            }
            String full = cells.get(0);
            int dot = full.lastIndexOf('.');
            String method = full.substring(dot + 1);
            if (!method.startsWith("tollgate_")) {
                continue;
            }
            String type = full.substring(full.lastIndexOf('.', dot - 1) + 1, dot);
            int threads = Integer.parseInt(cells.get(1));
            long requests = Long.parseLong(cells.get(2));
            double seconds = Double.parseDouble(cells.get(3));
            long forkRequests = Long.parseLong(cells.get(4));
            double forkSeconds = Double.parseDouble(cells.get(5));
            Report.Row row = scores.getOrDefault(type, Map.of()).getOrDefault(threads, Map.of()).get(method);
            double callsPerSecond = row == null ? Double.NaN : threads / seconds(row.score(), row.unit());
            double perSecond = seconds <= 0 ? Double.NaN : requests / seconds;
            out.append("| ").append(type).append('.').append(method)
                    .append(" | ").append(threads)
                    .append(" | ").append(Double.isNaN(callsPerSecond) ? "" : count(callsPerSecond))
                    .append(" | ").append(Double.isNaN(perSecond) ? "" : count(perSecond))
                    .append(" | ").append(requests == 0 || Double.isNaN(callsPerSecond) ? (requests == 0 ? "no request" : "")
                            : count(callsPerSecond / perSecond))
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", requests))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", seconds))
                    .append(" | ").append(forkSeconds <= 0 ? "" : count(forkRequests / forkSeconds))
                    .append(" |\n");
        }
        return out.append('\n').toString();
    }

    /** A JMH average-time score in seconds per call. */
    static double seconds(double score, String unit) {
        switch (unit) {
            case "ns/op":
                return score / 1e9;
            case "us/op":
                return score / 1e6;
            case "ms/op":
                return score / 1e3;
            case "s/op":
                return score;
            default:
                throw new IllegalArgumentException("not an average time per call: " + unit);
        }
    }

    private static String count(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
