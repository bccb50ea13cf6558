package dev.boardcqrs.query.readthrough;

import dev.boardcqrs.common.web.ApiException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The database could not answer a read-through in time; the caller gets 503, the log gets the reason. */
public class SourceUnavailableException extends ApiException {
    public SourceUnavailableException(SQLException cause) {
        super(503, "the article is not cached and the database is unavailable, try again later");
        initCause(cause);
    }

    public SourceUnavailableException(String reason) {
        super(503, "the article is not cached and the database is " + reason + ", try again later");
    }

    /** The answer of a database read another reader runs, waited for at most {@code wait}; its failure is ours. */
    public static <T> T awaitShared(Future<T> answer, Duration wait) {
        try {
            return answer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceUnavailableException("interrupted");
        } catch (TimeoutException e) {
            throw new SourceUnavailableException("too slow");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new SourceUnavailableException("failing");
        }
    }
}
