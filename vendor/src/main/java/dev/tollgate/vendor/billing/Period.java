package dev.tollgate.vendor.billing;

import java.time.DateTimeException;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * A billing period, one calendar month, written {@code YYYY-MM} and stored as the int {@code yyyymm}.
 *
 * <pre>{@code
 * Period november = Period.parse("2026-11");   // november.code() == 202611
 * }</pre>
 */
public record Period(YearMonth month) implements Comparable<Period> {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM");

    /**
     * Parses {@code YYYY-MM}.
     *
     * @throws IllegalArgumentException naming the text when it is not such a month
     */
    public static Period parse(String text) {
        if (text == null || !text.matches("\\d{4}-\\d{2}")) {
            throw new IllegalArgumentException("a period is written YYYY-MM, e.g. 2026-11, not: " + text);
        }
        try {
            return new Period(YearMonth.parse(text, FORMAT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a period is written YYYY-MM, e.g. 2026-11, not: " + text);
        }
    }

    /** The period a {@link #code()} stands for, or {@code null} for an int that is none. */
    static Period ofCode(int code) {
        try {
            return new Period(YearMonth.of(code / 100, code % 100));
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** {@code yyyymm}, e.g. 202611. */
    public int code() {
        return month.getYear() * 100 + month.getMonthValue();
    }

    @Override
    public int compareTo(Period other) {
        return month.compareTo(other.month);
    }

    @Override
    public String toString() {
        return month.format(FORMAT);
    }
}
