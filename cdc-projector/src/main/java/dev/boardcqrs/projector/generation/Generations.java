package dev.boardcqrs.projector.generation;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.projector.redis.ProjectorRedis;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespace's generations in Redis: which one readers use ({@code active}), which one a rebuild is filling
 * ({@code rebuilding}), naming new ones, and removing old ones. The switch from a rebuilt generation to the
 * next is done by {@link dev.boardcqrs.projector.redis.RedisStore} in the same transaction as a batch.
 */
public final class Generations {
    private static final Logger log = LoggerFactory.getLogger(Generations.class);

    private final ProjectorRedis redis;
    private final KeyScheme namespace;

    public Generations(ProjectorRedis redis, String namespace) {
        this.redis = redis;
        this.namespace = new KeyScheme(namespace);
    }

    public Optional<Generation> active() {
        return Optional.ofNullable(Generation.parse(redis.get(namespace.active())));
    }

    public Optional<Generation> rebuilding() {
        return Optional.ofNullable(Generation.parse(redis.get(namespace.rebuilding())));
    }

    /**
     * A new generation, numbered above {@code highestInUse}: after Redis lost its data the counter starts again,
     * and a number still used by this process must not come back. Only INCRBY moves the counter, so each caller
     * gets a number of its own: setting it to one above this process's highest let two instances that found the
     * loss at once take the same number, and each empty what the other wrote.
     */
    public Generation next(long highestInUse) {
        long number = redis.incrBy(namespace.generations(), 1);
        if (number <= highestInUse) {
            number = redis.incrBy(namespace.generations(), highestInUse + 1 - number);
        }
        return new Generation(number);
    }

    /** Readers use {@code generation} from now on. */
    public void activate(Generation generation) {
        redis.set(namespace.active(), generation.name());
    }

    public void startRebuilding(Generation generation) {
        redis.set(namespace.rebuilding(), generation.name());
    }

    /**
     * Marks {@code generation} as being rebuilt by one of several instances, for {@code lease} unless renewed: the
     * others leave it alone while the mark lives. It is listed as retired too, so that if its instance stops for
     * good (the mark lapses) the next start or rebuild removes what it left; {@link #keep} takes it off once it
     * has taken over.
     */
    public void startRebuilding(Generation generation, Duration lease) {
        redis.sadd(namespace.retired(), generation.name());
        redis.set(namespace.rebuilding(), generation.name(), lease);
    }

    /** Gives the rebuild's mark {@code lease} more to live; false when it is gone (switched, or lapsed). */
    public boolean renewRebuilding(Duration lease) {
        return redis.pexpire(namespace.rebuilding(), lease);
    }

    /**
     * Claims building a generation in place, for {@code lease} unless released before (several instances: one
     * builds, the others follow what it made); false while another instance holds the claim. {@code owner} tells
     * this instance's claim from one taken after it lapsed.
     */
    public boolean claimBuildingInPlace(String owner, Duration lease) {
        return redis.setIfAbsent(namespace.buildingInPlace(), owner, lease);
    }

    /** Gives the claim up, unless it lapsed and is another instance's now. */
    public void releaseBuildingInPlace(String owner) {
        if (owner.equals(redis.get(namespace.buildingInPlace()))) {
            redis.del(namespace.buildingInPlace());
        }
    }

    /** Takes {@code generation} off the retired list: a rebuild listed there has taken over. */
    public void keep(Generation generation) {
        redis.srem(namespace.retired(), generation.name());
    }

    public void stopRebuilding() {
        redis.del(namespace.rebuilding());
    }

    /** Generations no longer used whose removal has not finished (the projector stopped meanwhile). */
    public List<Generation> retired() {
        return redis.smembers(namespace.retired()).stream().map(Generation::parse).filter(Objects::nonNull).toList();
    }

    /**
     * Deletes every key of {@code generation}, a page at a time so Redis keeps answering meanwhile. The
     * generation is listed as retired until it is gone, so a stop halfway leaves no keys behind for good.
     */
    public long remove(Generation generation) {
        redis.sadd(namespace.retired(), generation.name());
        long removed = redis.unlinkMatching(generation.keys(namespace.namespace()).everything(), key -> false);
        redis.srem(namespace.retired(), generation.name());
        log.info("removed generation {} of namespace '{}': {} keys", generation, namespace.namespace(), removed);
        return removed;
    }
}
