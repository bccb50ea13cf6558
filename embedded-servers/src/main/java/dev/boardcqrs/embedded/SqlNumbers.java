package dev.boardcqrs.embedded;

/**
 * Consecutive numbers as a derived table with the column {@code seq}, to bulk INSERT ... SELECT from on MariaDB
 * and MySQL alike. MariaDB has them built in (seq_1_to_N); MySQL has nothing of the kind, so they are made from
 * a cross join of the ten digits, one join per decimal place.
 */
public final class SqlNumbers {
    private static final String DIGITS = "(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 "
            + "UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 "
            + "UNION ALL SELECT 9)";

    private SqlNumbers() {
    }

    /** seq = from, from + 1, ..., to, for a FROM clause ("... FROM " + rows(1, 1000)). */
    public static String rows(long from, long to) {
        if (to < from) {
            throw new IllegalArgumentException("no numbers from " + from + " to " + to);
        }
        StringBuilder value = new StringBuilder(Long.toString(from));
        StringBuilder joins = new StringBuilder();
        long place = 1;
        for (int i = 0; place <= to - from; i++, place *= 10) {
            value.append(" + ").append(place).append(" * d").append(i).append(".d");
            joins.append(joins.isEmpty() ? "" : ", ").append(DIGITS).append(" AS d").append(i);
        }
        if (joins.isEmpty()) {
            return "(SELECT " + from + " AS seq) AS numbers";
        }
        return "(SELECT seq FROM (SELECT " + value + " AS seq FROM " + joins + ") AS candidates WHERE seq <= " + to
                + ") AS numbers";
    }
}
