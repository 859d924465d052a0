package com.acme.reports;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Revenue rows read from a CSV file with the header {@code region,quarter,revenue}. */
record Sales(List<Row> rows) {

    record Row(String region, String quarter, long revenue) {
    }

    static Sales read(Path csv) throws IOException {
        try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            return parse(r, csv.toString());
        }
    }

    static Sales bundled() throws IOException {
        InputStream in = Sales.class.getResourceAsStream("sales.csv");
        if (in == null) {
            throw new IOException("the bundled sales.csv is missing from the jar");
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse(r, "sales.csv");
        }
    }

    static Sales parse(Reader reader, String name) throws IOException {
        BufferedReader lines = new BufferedReader(reader);
        String header = lines.readLine();
        if (header == null || !header.trim().equalsIgnoreCase("region,quarter,revenue")) {
            throw new IOException(name + ": the first line must be region,quarter,revenue");
        }
        List<Row> rows = new ArrayList<>();
        int n = 1;
        for (String line; (line = lines.readLine()) != null; ) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 3) {
                throw new IOException(name + ":" + n + ": expected 3 fields, found " + f.length);
            }
            try {
                rows.add(new Row(f[0].trim(), f[1].trim(), Long.parseLong(f[2].trim())));
            } catch (NumberFormatException e) {
                throw new IOException(name + ":" + n + ": revenue '" + f[2].trim() + "' is not a whole number");
            }
        }
        return new Sales(List.copyOf(rows));
    }

    /** Total revenue per region, in first-seen order. */
    Map<String, Long> byRegion() {
        Map<String, Long> totals = new LinkedHashMap<>();
        for (Row r : rows) {
            totals.merge(r.region(), r.revenue(), Long::sum);
        }
        return totals;
    }

    long total() {
        return rows.stream().mapToLong(Row::revenue).sum();
    }
}
