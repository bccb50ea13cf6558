package dev.boardcqrs.embedded;

import java.util.Locale;

/** Which embedded database server to run: the launcher's EMBEDDED_DATABASE, the benchmark's BENCH_DATABASE, it.database. */
public enum DatabaseKind {
    MARIADB,
    MYSQL;

    /** The lower-case name the settings use. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "mariadb" or "mysql"; IllegalArgumentException naming {@code setting} for anything else. */
    public static DatabaseKind parse(String setting, String value) {
        for (DatabaseKind kind : values()) {
            if (kind.id().equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(setting + " must be mariadb or mysql, but was '" + value + "'");
    }
}
