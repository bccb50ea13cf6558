package dev.boardcqrs.query.readthrough;

import dev.boardcqrs.common.web.ApiException;
import java.sql.SQLException;

/** The database could not answer a read-through in time; the caller gets 503, the log gets the reason. */
public class SourceUnavailableException extends ApiException {
    public SourceUnavailableException(SQLException cause) {
        super(503, "the article is not cached and the database is unavailable, try again later");
        initCause(cause);
    }

    public SourceUnavailableException(String reason) {
        super(503, "the article is not cached and the database is " + reason + ", try again later");
    }
}
