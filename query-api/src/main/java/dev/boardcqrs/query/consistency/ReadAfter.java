package dev.boardcqrs.query.consistency;

import dev.boardcqrs.common.consistency.GtidSet;
import dev.boardcqrs.common.consistency.MalformedGtidSetException;
import dev.boardcqrs.common.consistency.ReadYourWrites;
import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.query.metrics.QueryMetrics;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Read-your-writes for every read: a read that carries a consistency token (header {@code X-Consistency-Token} or
 * {@code ?after=}) is answered only from state that includes it. If Redis covers the token now, from Redis (not
 * the near caches); else once the projector gets there ({@link ProgressWatcher}); and if that takes longer than
 * the timeout (projector stopped or far behind, or a token from the future), from SQL, which holds every commit,
 * with {@code X-Served-From: database}; and from SQL at once when the generation keeps no applied set to compare
 * with (PROJECTOR_SOURCE=kafka). So a token never makes a read stale, nor an error, nor slower than the
 * timeout. A malformed token, or one of another database server, is a 400.
 */
public final class ReadAfter {
    private final AppliedSource applied;
    private final ProgressWatcher watcher;
    private final KnownOrigins origins;
    private final Duration timeout;
    private final QueryMetrics metrics;

    public ReadAfter(AppliedSource applied, ProgressWatcher watcher, KnownOrigins origins, Duration timeout,
                     QueryMetrics metrics) {
        this.applied = applied;
        this.watcher = watcher;
        this.origins = origins;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    /** Where this request's answer may come from; marks the answer when it must come from SQL. */
    public ReadMode mode(Context ctx) {
        String token = ctx.header(ReadYourWrites.TOKEN_HEADER);
        if (token == null) {
            token = ctx.queryParam(ReadYourWrites.TOKEN_PARAMETER);
        }
        ReadMode mode = token == null ? ReadMode.CACHED : mode(token);
        if (mode == ReadMode.DATABASE) {
            ctx.header(ReadYourWrites.SERVED_FROM_HEADER, ReadYourWrites.FROM_DATABASE);
        }
        return mode;
    }

    /** Where a read that carries {@code text} may be answered from, after waiting for it if need be. */
    public ReadMode mode(String text) {
        GtidSet token;
        try {
            token = GtidSet.parse(text);
        } catch (MalformedGtidSetException e) {
            throw ApiException.badRequest("not a consistency token (" + ReadYourWrites.TOKEN_HEADER + " or "
                    + ReadYourWrites.TOKEN_PARAMETER + "): " + e.getMessage());
        }
        if (token.isEmpty()) {
            return ReadMode.CACHED;
        }
        GtidSet told = watcher.announced();
        if (told.covers(token)) {
            // the projector's last message says so: no round trip. A MariaDB set covers per domain, so a server id
            // of the token's may still be unknown
            requireOwnOrigins(token, new Applied(false, told));
            metrics.readAfter("redis");
            return ReadMode.FRESH;
        }
        Applied now = applied.now();
        requireOwnOrigins(token, now);
        if (!now.tracked()) {
            metrics.readAfter("database");
            return ReadMode.DATABASE;
        }
        if (now.covers(token)) {
            metrics.readAfter("redis");
            return ReadMode.FRESH;
        }
        boolean covered = covered(token);
        metrics.readAfter(covered ? "waited" : "database");
        return covered ? ReadMode.FRESH : ReadMode.DATABASE;
    }

    private void requireOwnOrigins(GtidSet token, Applied now) {
        if (now.fromSql()) {
            return;
        }
        if (!now.gtids().isEmpty() && now.gtids().flavor() != token.flavor()) {
            throw ApiException.badRequest("the consistency token is of another kind of database server");
        }
        for (GtidSet.Origin origin : now.gtids().unknownOrigins(token)) {
            if (!origins.knows(origin)) {
                throw ApiException.badRequest("the consistency token names " + origin
                        + ", which this database does not know: a token of another database server?");
            }
        }
    }

    private boolean covered(GtidSet token) {
        CompletableFuture<Void> covered = watcher.whenCovered(token);
        try {
            covered.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            covered.cancel(false);
        }
    }
}
