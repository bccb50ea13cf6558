package dev.boardcqrs.common.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script from the classpath, called by its SHA-1 so only the first call after a Redis start sends its text.
 * Redis has no shared code between scripts, so a script that needs a library (a function several scripts call)
 * is loaded with the library's text in front of its own: the function is written once.
 */
public record LuaScript(String source, String sha) {

    /** The script {@code name}, with the text of each of {@code libraries} (also classpath resources) in front. */
    public static LuaScript resource(String name, String... libraries) {
        StringBuilder source = new StringBuilder();
        for (String library : libraries) {
            source.append(text(library)).append('\n');
        }
        source.append(text(name));
        return of(source.toString());
    }

    /** The script whose text is {@code source}, named by its SHA-1 as Redis names it. */
    public static LuaScript of(String source) {
        return new LuaScript(source, sha1(source));
    }

    private static String text(String name) {
        try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Queues the call in a pipeline; a Redis that does not know the script answers NOSCRIPT for it. */
    public Response<Object> call(AbstractPipeline pipeline, List<String> keys, List<String> args) {
        return pipeline.evalsha(sha, keys, args);
    }

    /** Calls the script now, sending its text only when Redis does not know it yet (new or restarted). */
    public Object call(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(source, keys, args);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
