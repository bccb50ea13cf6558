package dev.boardcqrs.bench.report;

import java.util.Locale;

/** How numbers appear in the tables: integers with thousands separators, decimals with up to 3 places. */
public final class Format {
    private Format() {
    }

    public static String cell(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof Double d) {
            return decimal(d);
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
        }
        return value.toString();
    }

    public static String decimal(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "-";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f", value);
    }
}
