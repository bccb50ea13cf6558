package dev.boardcqrs.projector.redis;

import java.util.Map;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A MULTI/EXEC ran, but Redis refused some of its operations (a key of the wrong type, say). Redis does not
 * roll back the others, so the batch and its watermark are applied except for these; the caller keeps their
 * changes as dead letters. {@code failed}: index of the operation in the batch to Redis' error.
 */
public final class PartlyAppliedException extends RuntimeException {
    private final transient Map<Integer, JedisDataException> failed;

    PartlyAppliedException(Map<Integer, JedisDataException> failed) {
        super(failed.size() + " operations of the batch were refused by Redis, the first: "
                + failed.values().iterator().next().getMessage());
        this.failed = Map.copyOf(failed);
    }

    public Map<Integer, JedisDataException> failed() {
        return failed;
    }
}
