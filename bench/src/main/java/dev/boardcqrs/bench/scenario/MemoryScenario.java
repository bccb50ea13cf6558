package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.data.Dataset;
import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.projector.redis.JedisProjectorRedis;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Memory: MEMORY USAGE of article models (hot and cold samples), the keys and the whole Redis footprint, beside
 * what the same rows take in InnoDB (data and indexes of the three tables).
 */
public final class MemoryScenario implements Scenario {
    private static final int SAMPLES = 1000;

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void run(BenchContext context, Results results) throws Exception {
        UnifiedJedis redis = context.stack().redis();
        BoardKeys keys = new KeyScheme(context.stack().projectorConfig().namespace()).activeIn(redis).map(BoardKeys::in)
                .orElseThrow(() -> new IllegalStateException("the projector has made no generation of the models"));
        Dataset data = context.data();
        List<Double> cold = new ArrayList<>();
        List<Double> hot = new ArrayList<>();
        long coldStep = Math.max(1, data.coldArticles() / SAMPLES);
        for (long i = 0; i < data.coldArticles(); i += coldStep) {
            add(cold, redis.memoryUsage(keys.article(Dataset.coldId(i))));
        }
        long hotStep = Math.max(1, data.hotArticles() / SAMPLES);
        for (long i = 0; i < data.hotArticles(); i += hotStep) {
            add(hot, redis.memoryUsage(keys.article(Dataset.hotId(i))));
        }
        long models = countKeys(redis, keys.articlePrefix() + "*");
        long usedMemory = infoNumber(redis.info("memory"), "used_memory");
        long dataset = infoNumber(redis.info("memory"), "used_memory_dataset");
        long keyCount = redis.dbSize();
        long innoDb = context.stack().database().count("SELECT SUM(data_length + index_length) FROM "
                + "information_schema.tables WHERE table_schema = 'board' AND table_name IN "
                + "('article', 'comment', 'article_like')");

        Section section = results.add(Section.of(name(), "Memory", "what", "value"));
        section.row("bytes per article model, cold (median of " + cold.size() + ")", Stats.median(cold))
                .row("bytes per article model, hot (median of " + hot.size() + ")", Stats.median(hot))
                .row("article model keys", models)
                .row("keys in Redis", keyCount)
                .row("Redis used_memory (bytes)", usedMemory)
                .row("Redis used_memory_dataset (bytes)", dataset)
                .row("Redis used_memory per article (bytes)", (double) usedMemory / data.articles())
                .row("InnoDB data + indexes of article, comment, article_like (bytes)", innoDb)
                .put("coldModelBytesMedian", Stats.median(cold))
                .put("hotModelBytesMedian", Stats.median(hot))
                .put("articleModelKeys", models)
                .put("keys", keyCount)
                .put("usedMemory", usedMemory)
                .put("usedMemoryDataset", dataset)
                .put("innoDbBytes", innoDb)
                .note("MEMORY USAGE with its default sampling; a model holds the article row (with about half a "
                        + "kilobyte of content) plus its counts and position. Redis also holds board lists and counts.");
    }

    private static void add(List<Double> samples, Long bytes) {
        if (bytes != null) {
            samples.add(bytes.doubleValue());
        }
    }

    private static long countKeys(UnifiedJedis redis, String pattern) {
        return new JedisProjectorRedis(redis).countMatching(pattern, key -> !key.endsWith(":missed"));
    }

    private static long infoNumber(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new IllegalStateException("INFO has no " + field);
    }
}
