package dev.boardcqrs.common.redis;

import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis keys every read model shares: the namespace's generations and the generation prefix under which each
 * read model keeps its own keys (see the key classes of each model: {@code BoardKeys}, {@code CatalogKeys}, ...).
 * Every key starts with the namespace, so two deployments can share one Redis. The query models live in a
 * generation inside it: a rebuild fills a new generation while the active one keeps serving, then switches
 * the {@code active} pointer in one step and removes the old generation.
 *
 * <pre>
 * {ns}:active             string the generation readers use (g1, g2, ...); absent: readers use SQL
 * {ns}:rebuilding         string the generation a rebuild is filling, while it runs (with PROJECTOR_SOURCE=kafka a
 *                                30 s lease its instance renews; the generation is listed as retired meanwhile)
 * {ns}:generations        string counter naming new generations (INCR)
 * {ns}:retired            set    generations no longer used whose keys are still being removed
 * {ns}:deadletters        stream changes the projector could not apply; kept across rebuilds
 * {ns}:{gen}:meta         hash   watermark (position of the last applied batch), building (1 while a snapshot
 *                                fills an active generation: readers must use SQL meanwhile), gtids (the source
 *                                transactions applied, a GTID set: what consistency tokens are compared with);
 *                                with PROJECTOR_SOURCE=kafka, watermark@TOPIC-PARTITION per partition instead (the
 *                                offset of its last applied record), no gtids but tokens=sql (token reads go to
 *                                SQL), and caughtUp@TOPIC-PARTITION while the generation is built (the partition's
 *                                end was applied once)
 * {ns}:{gen}:...          the read models' own keys; every one of them is removed with its generation
 * {ns}:applied            a Pub/Sub channel, not a key: gtids of the active generation, with each of its batches
 * </pre>
 *
 * Keys outside the generations that a feature owns (command-api's view counters) sit directly under
 * {@code {ns}:}. {@code generation} is null for a scheme that only names the namespace's own keys.
 */
public record KeyScheme(String namespace, String generation) {
    public static final String DEFAULT_NAMESPACE = "cqrs";
    /** The field of a generation's meta that holds the source transactions it has applied, as a GTID set. */
    public static final String APPLIED_GTIDS = "gtids";
    /**
     * The field of a generation's meta that says, when it holds {@link #TOKENS_FROM_SQL}, that the generation keeps no
     * applied set (PROJECTOR_SOURCE=kafka): reads carrying a consistency token are answered from SQL at once.
     */
    public static final String TOKENS = "tokens";
    /**
     * The field of a generation's meta naming the key layout its models are kept under: {@link #LAYOUT_VERSION} for
     * the hash-tagged names ("{a:7}"); absent in a generation of an earlier version, whose names ("article:7") this
     * version does not read, so the projector builds such a generation anew.
     */
    public static final String LAYOUT = "layout";
    public static final String LAYOUT_VERSION = "2";
    public static final String TOKENS_FROM_SQL = "sql";
    /** What follows "{ns}:{gen}:" in a generation's meta key. */
    public static final String META = "meta";

    public KeyScheme {
        if (namespace == null || !namespace.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException(
                    "namespace must be 1-64 letters, digits, '_', '.' or '-', but was '" + namespace + "'");
        }
        if (generation != null && !generation.matches("g[0-9]{1,18}")) {
            throw new IllegalArgumentException("a generation is g1, g2, ..., but was '" + generation + "'");
        }
    }

    /** The namespace's own keys (active pointer, dead letters); model keys need {@link #inGeneration}. */
    public KeyScheme(String namespace) {
        this(namespace, null);
    }

    public KeyScheme inGeneration(String generation) {
        return new KeyScheme(namespace, generation);
    }

    /** The keys of the generation readers use now; empty before the projector made one. */
    public Optional<KeyScheme> activeIn(UnifiedJedis redis) {
        return Optional.ofNullable(redis.get(active())).map(this::inGeneration);
    }

    public String active() {
        return namespace + ":active";
    }

    public String rebuilding() {
        return namespace + ":rebuilding";
    }

    /** Held by the one projector instance that builds a generation in place while the others wait (Kafka mode). */
    public String buildingInPlace() {
        return namespace + ":building-in-place";
    }

    public String retired() {
        return namespace + ":retired";
    }

    public String generations() {
        return namespace + ":generations";
    }

    /** Changes the projector could not apply; belongs to the namespace, not to a generation of the models. */
    public String deadLetters() {
        return namespace + ":deadletters";
    }

    /** A key a feature owns outside the generations: "{ns}:" + {@code suffix}. */
    public String own(String suffix) {
        return namespace + ":" + suffix;
    }

    /**
     * The Pub/Sub channel on which the projector announces, with each batch of the active, complete generation, the
     * GTID set it has applied (the meta's {@link #APPLIED_GTIDS} as of that batch): "{ns}:applied".
     */
    public String appliedChannel() {
        return namespace + ":applied";
    }

    /** What every model key of the generation starts with: "{ns}:{gen}:". */
    public String modelPrefix() {
        if (generation == null) {
            throw new IllegalStateException("model keys need a generation: use inGeneration()");
        }
        return namespace + ":" + generation + ":";
    }

    public String meta() {
        return modelPrefix() + META;
    }

    /** A pattern matching every key of this generation, for SCAN. */
    public String everything() {
        return modelPrefix() + "*";
    }

    /** What the model keys of every generation start with: "{ns}:g". */
    public String generationsPrefix() {
        return namespace + ":g";
    }

    /**
     * What follows "{ns}:{gen}:" in a key of any generation of this namespace ("{a:7}" for
     * "cqrs:g3:{a:7}"); null for any other key. The read models' key classes take it from here.
     */
    public String inAnyGeneration(String key) {
        if (!key.startsWith(generationsPrefix())) {
            return null;
        }
        int generationEnd = key.indexOf(':', namespace.length() + 1);
        return generationEnd < 0 ? null : key.substring(generationEnd + 1);
    }

    /**
     * A Redis Cluster hash tag naming one thing ("{a:7}"): Redis Cluster places a key by the text between its first
     * braces, so every key a script or MULTI touches carries the same tag, and keys of one thing share a slot. The
     * same names serve a single Redis, which ignores the braces: one layout, and no longer than the words they
     * replace ("{a:7}" for "article:7").
     */
    public static String tag(String kind, long id) {
        return "{" + kind + ":" + id + "}";
    }

    /** The id of the tag {@code text} is whole ("{a:7}" is 7 of kind "a"), or null for any other text. */
    public static Long idOfTag(String text, String kind) {
        String start = "{" + kind + ":";
        return text != null && text.startsWith(start) && text.endsWith("}")
                ? id(text.substring(start.length(), text.length() - 1)) : null;
    }

    /** Digits as an id, or null for anything else (empty, too long, another character). */
    public static Long id(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return null;
            }
        }
        return Long.parseLong(text);
    }
}
