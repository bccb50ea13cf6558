package dev.boardcqrs.bench;

import redis.clients.jedis.UnifiedJedis;

/**
 * CPU seconds the Redis server has used (INFO cpu: user + system). Redis is a separate process, invisible to a
 * JVM profile; the difference over a measurement window says how busy it was, i.e. whether it limited the run.
 */
public final class RedisCpu {
    private RedisCpu() {
    }

    public static double seconds(UnifiedJedis redis) {
        double total = 0;
        for (String line : redis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }
}
