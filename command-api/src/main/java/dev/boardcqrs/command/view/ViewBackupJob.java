package dev.boardcqrs.command.view;

import dev.boardcqrs.common.view.ViewKeys;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Every interval, backs up the counters of articles that had views since their last backup, so at most one
 * interval of views is lost if Redis loses its data. One bad run is logged and the next one tries again.
 */
public final class ViewBackupJob implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ViewBackupJob.class);
    private static final int BATCH = 500;

    private final UnifiedJedis redis;
    private final ViewKeys keys;
    private final ViewBackupStore backups;
    private final Duration interval;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "view-backup");
        thread.setDaemon(true);
        return thread;
    });

    public ViewBackupJob(UnifiedJedis redis, ViewKeys keys, ViewBackupStore backups, Duration interval) {
        this.redis = redis;
        this.keys = keys;
        this.backups = backups;
        this.interval = interval;
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::runSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runSafely() {
        try {
            int saved = backUpUnsaved();
            if (saved > 0) {
                log.debug("backed up the view counts of {} articles", saved);
            }
        } catch (RuntimeException e) {
            log.warn("view count backup failed, will retry in {} ms: {}", interval.toMillis(), e.toString());
        }
    }

    /** Backs up every article marked unsaved; returns how many. */
    public int backUpUnsaved() {
        int saved = 0;
        Set<String> ids;
        // SPOP takes the marks away atomically: a view counted after this re-marks its article for the next run
        while (!(ids = redis.spop(keys.viewsUnsaved(), BATCH)).isEmpty()) {
            for (String id : ids) {
                backUp(Long.parseLong(id));
                saved++;
            }
        }
        return saved;
    }

    private void backUp(long articleId) {
        try {
            String count = redis.get(keys.viewCount(articleId));
            if (count != null) {
                backups.save(articleId, Long.parseLong(count));
            }
        } catch (RuntimeException e) {
            redis.sadd(keys.viewsUnsaved(), Long.toString(articleId)); // keep the mark for the next run
            throw e;
        }
    }

    /** Stops the timer and makes one last backup run, so a clean shutdown loses no counted views. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        runSafely();
    }
}
