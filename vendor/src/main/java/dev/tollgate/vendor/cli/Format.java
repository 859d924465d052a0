package dev.tollgate.vendor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * How rows go to stdout: an aligned {@code table} for people, {@code csv} (RFC 4180, header first) or
 * {@code json} (an array of objects, numbers as numbers) for scripts.
 *
 * <pre>{@code
 * Format.CSV.print(out, List.of("key", "feature", "value"), rows);
 * }</pre>
 */
enum Format {
    TABLE, CSV, JSON;

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    void print(PrintStream out, List<String> headers, List<List<Object>> rows) {
        out.print(render(headers, rows));
        out.flush();
    }

    String render(List<String> headers, List<List<Object>> rows) {
        return switch (this) {
            case TABLE -> table(headers, rows);
            case CSV -> csv(headers, rows);
            case JSON -> json(headers, rows);
        };
    }

    static String csv(List<String> headers, List<List<Object>> rows) {
        StringWriter text = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(text, CSVFormat.RFC4180.builder().setRecordSeparator("\n").get())) {
            printer.printRecord(headers);
            printer.printRecords(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    static List<Map<String, Object>> objects(List<String> headers, List<List<Object>> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Object> row : rows) {
            Map<String, Object> object = new LinkedHashMap<>();
            for (int i = 0; i < headers.size(); i++) {
                object.put(headers.get(i), row.get(i));
            }
            out.add(object);
        }
        return out;
    }

    private static String json(List<String> headers, List<List<Object>> rows) {
        try {
            return MAPPER.writeValueAsString(objects(headers, rows)) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String table(List<String> headers, List<List<Object>> rows) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<Object> row : rows) {
                widths[i] = Math.max(widths[i], String.valueOf(row.get(i)).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, new ArrayList<>(headers), widths);
        for (List<Object> row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<?> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i) == null ? "" : String.valueOf(cells.get(i));
            boolean number = cells.get(i) instanceof Number;
            String pad = " ".repeat(widths[i] - cell.length());
            line.append(number ? pad + cell : cell + pad).append(i + 1 < cells.size() ? "  " : "");
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
