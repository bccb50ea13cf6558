package dev.boardcqrs.command.db;

import java.sql.SQLException;

/** A database failure nobody can fix by changing the request; answered as 500 or 503. */
public class DatabaseException extends RuntimeException {
    public DatabaseException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** Duplicate key: MySQL and MariaDB report SQLSTATE 23000 with vendor code 1062. */
    public static boolean isDuplicateKey(SQLException e) {
        return "23000".equals(e.getSQLState()) && e.getErrorCode() == 1062;
    }
}
