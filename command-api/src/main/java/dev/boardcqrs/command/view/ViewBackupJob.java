package dev.boardcqrs.command.view;

import dev.boardcqrs.common.view.ViewKeys;
import java.time.Duration;
import java.util.List;
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
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

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
            List<String> batch = List.copyOf(ids);
            for (int i = 0; i < batch.size(); i++) {
                try {
                    backUp(Long.parseLong(batch.get(i)));
                } catch (RuntimeException e) {
                    // this article and the rest of the batch keep their marks for the next run
                    redis.sadd(keys.viewsUnsaved(), batch.subList(i, batch.size()).toArray(String[]::new));
                    throw e;
                }
                saved++;
            }
        }
        return saved;
    }

    private void backUp(long articleId) {
        String count = redis.get(keys.viewCount(articleId));
        if (count != null) {
            backups.save(articleId, Long.parseLong(count));
        }
    }

    /**
     * Stops the timer, lets a run in progress finish, and backs up every counter still unsaved, so a clean stop loses
     * no counted view. Call it while Redis and the database are still there, after the last request was answered.
     */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                log.warn("a view count backup run still goes on after {} s; making the last one beside it",
                        STOP_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            log.info("backed up the view counts of {} articles before stopping", backUpUnsaved());
        } catch (RuntimeException e) {
            log.error("last view count backup failed; views counted since the previous backup are in Redis only, "
                    + "marked for the next start's backup: {}", e.toString());
        }
    }
}
