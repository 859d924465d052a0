package com.acme.reports;

import java.util.Map;

import dev.tollgate.Metered;

/** Renders revenue per region as a bar chart in text. A paid feature: pay per use, two units a chart. */
public class ChartRenderer {

    private static final int WIDTH = 40;

    @Metered(value = "render", cost = 2)
    public String render(Sales sales) {
        Map<String, Long> totals = sales.byRegion();
        long max = totals.values().stream().mapToLong(Long::longValue).max().orElse(1);
        int label = totals.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder chart = new StringBuilder();
        for (Map.Entry<String, Long> e : totals.entrySet()) {
            int bar = (int) Math.round((double) e.getValue() / max * WIDTH);
            chart.append(String.format("  %-" + label + "s |%s %,d%n", e.getKey(), "#".repeat(bar), e.getValue()));
        }
        return chart.toString();
    }
}
