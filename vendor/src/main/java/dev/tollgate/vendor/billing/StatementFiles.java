package dev.tollgate.vendor.billing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes a period's statement as {@code DIR/<product>-<YYYY-MM>.csv} and {@code .json} (with
 * {@code --key}, {@code DIR/<product>-<YYYY-MM>-<key>.*}, so that one key's close never replaces the
 * product's statement). Each file is written to a temporary name and moved into place.
 *
 * <pre>{@code
 * List<Path> files = StatementFiles.write(dir, 3941, Period.parse("2026-11"), null, rows);
 * }</pre>
 */
public final class StatementFiles {
    public static final List<String> HEADERS = List.of("key", "feature", "read", "billed", "mode", "status");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatementFiles() {
    }

    /** The cells of a row, in {@link #HEADERS} order. */
    public static List<Object> cells(StatementRow row) {
        return List.of(row.key(), row.feature(), row.read(), row.billed(), row.mode().word(), row.status());
    }

    /** Writes both files and returns them, csv first. */
    public static List<Path> write(Path dir, int product, Period period, String key, List<StatementRow> rows)
            throws IOException {
        Files.createDirectories(dir);
        String base = product + "-" + period + (key == null ? "" : "-" + key.replaceAll("[^A-Za-z0-9_-]", "_"));
        Path csv = dir.resolve(base + ".csv");
        Path json = dir.resolve(base + ".json");
        StringWriter text = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(text, CSVFormat.RFC4180.builder().setRecordSeparator("\n").get())) {
            printer.printRecord(HEADERS);
            for (StatementRow row : rows) {
                printer.printRecord(cells(row));
            }
        }
        replace(csv, text.toString());
        ObjectNode statement = JSON.createObjectNode();
        statement.put("product", product);
        statement.put("period", period.toString());
        long billed = 0;
        ArrayNode array = statement.putArray("rows");
        for (StatementRow row : rows) {
            ObjectNode r = array.addObject();
            r.put("key", row.key());
            r.put("feature", row.feature());
            r.put("read", row.read());
            r.put("billed", row.billed());
            r.put("mode", row.mode().word());
            r.put("status", row.status());
            billed += row.billed();
        }
        statement.put("billed", billed);
        replace(json, JSON.writeValueAsString(statement) + "\n");
        return List.of(csv, json);
    }

    private static void replace(Path file, String content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
