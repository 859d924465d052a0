package com.acme.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.tollgate.Metered;

/** Exports a sales report as a self-contained HTML page. A paid feature: one prepaid credit per export. */
public class ReportExporter {

    @Metered("export")
    public Path export(Sales sales, String title, Path file) throws IOException {
        StringBuilder html = new StringBuilder()
                .append("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title></head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n<table>\n")
                .append("<tr><th>Region</th><th>Revenue</th></tr>\n");
        for (Map.Entry<String, Long> e : sales.byRegion().entrySet()) {
            html.append("<tr><td>").append(escape(e.getKey())).append("</td><td>")
                    .append(String.format("%,d", e.getValue())).append("</td></tr>\n");
        }
        html.append("<tr><th>Total</th><th>").append(String.format("%,d", sales.total()))
                .append("</th></tr>\n</table>\n</body></html>\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.writeString(file, html, StandardCharsets.UTF_8);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
