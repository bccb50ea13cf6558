package dev.boardcqrs.query.list;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.query.QueryScripts;
import dev.boardcqrs.query.ScriptCalls;
import dev.boardcqrs.query.consistency.ReadMode;
import dev.boardcqrs.query.nearcache.InvalidationTarget;
import dev.boardcqrs.query.nearcache.NearCacheByOwner;
import dev.boardcqrs.query.readthrough.ArticleSource;
import dev.boardcqrs.query.readthrough.DatabaseGuard;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Reads an owner's articles (a board's, a writer's) page by page: the ids of the newest come from the owner's
 * counted list in Redis (kept by the projector, see its lib/counted_list.lua), the older ones, and all of them while
 * Redis has no list, from SQL with a keyset query, through the {@link DatabaseGuard}; all of them from SQL while Redis
 * is down ({@code ...FromDatabase}). What Redis answered is kept in a near cache until Redis reports a change to the
 * owner's list or count ({@link #nearCache}): with the models kept too, a board page then needs no round trip (the
 * script call was the page's last one, and about 50 us of Redis CPU). This is a service: no HTTP here.
 */
public final class ArticleLists {
    private static final LuaScript PAGE = QueryScripts.of("lua/list_page.lua");
    // what follows an owner's key in its list's key (list_page.lua)
    private static final String LIST = ":articles";

    private final ScriptCalls scripts;
    private final KeyScheme keys;
    private final ArticleSource source;
    private final DatabaseGuard database;
    // by owner, so a change of one drops its reads without a look at every read kept
    private final NearCacheByOwner<ListKey, ListRead> kept;

    /** {@code nearCacheBytes}: what the kept list reads may weigh in all (0 keeps none). */
    public ArticleLists(UnifiedJedis redis, KeyScheme keys, ArticleSource source, DatabaseGuard database,
                        long nearCacheBytes) {
        this.scripts = ScriptCalls.of(redis, keys);
        this.keys = keys;
        this.source = source;
        this.database = database;
        this.kept = new NearCacheByOwner<>(nearCacheBytes, ListRead::heapBytes);
    }

    /**
     * What keeps the kept list reads honest; register it with the invalidation listener. A change of an owner's
     * count ("board:7") or list ("board:7:articles") drops all of that owner's reads, a switch of generations
     * everything. Like the article models' near cache, it does not watch the generation's "building" flag: a
     * snapshot that rebuilds the active generation sets it and then deletes every key, which drops every read kept
     * of it, and reads while it builds are not kept.
     */
    public InvalidationTarget nearCache() {
        // most changes are of article models, which name no owner with kept reads: nothing to drop then
        return kept.invalidatedBy(keyInGeneration -> keyInGeneration.endsWith(LIST) ? keyInGeneration.substring(0,
                keyInGeneration.length() - LIST.length()) : keyInGeneration);
    }

    /**
     * Whose articles: the owner's key in a generation ("board:7", the prefix of its list) and the article column that
     * names it ("board_id"), which needs an index on (column, article_id).
     */
    public record Owner(String key, String column, long id) {
    }

    /** Article ids, newest first, and how many articles the owner has (-1 when Redis did not say). */
    public record Ids(List<Long> ids, long count) {
    }

    /** Page {@code page} (from 1) of the owner's article ids, newest first, with the owner's article count. */
    public Ids page(Owner owner, int page, int pageSize, ReadMode mode) {
        if (mode == ReadMode.DATABASE) {
            return pageFromDatabase(owner, page, pageSize);
        }
        long first = (long) (page - 1) * pageSize;
        ListRead read = read(owner, mode, "page", Long.toString(first), Long.toString(first + pageSize - 1));
        List<Long> ids = new ArrayList<>(read.ids());
        if (ids.size() < pageSize && read.incomplete()) {
            // beyond the list: continue below its oldest article with a keyset query
            long below = read.listLength() == 0 ? Long.MAX_VALUE : read.lowestListed();
            long skip = Math.max(0, first - read.listLength());
            ids.addAll(database.read(() -> source.articleIds(owner.column(), owner.id(), below, skip,
                    pageSize - ids.size())));
        }
        return new Ids(ids, count(owner, read.count()));
    }

    /**
     * The {@code pageSize} ids below {@code lastArticleId} (from the newest when it is null); the count only when
     * Redis holds it.
     */
    public Ids after(Owner owner, Long lastArticleId, int pageSize, ReadMode mode) {
        if (mode == ReadMode.DATABASE) {
            return afterFromDatabase(owner, lastArticleId, pageSize);
        }
        ListRead read = read(owner, mode, "after", lastArticleId == null ? "+inf" : lastArticleId.toString(),
                Integer.toString(pageSize));
        List<Long> ids = new ArrayList<>(read.ids());
        if (ids.size() < pageSize && read.incomplete()) {
            long below = !ids.isEmpty() ? ids.get(ids.size() - 1) : lastArticleId == null ? Long.MAX_VALUE : lastArticleId;
            ids.addAll(database.read(() -> source.articleIds(owner.column(), owner.id(), below, 0,
                    pageSize - ids.size())));
        }
        return new Ids(ids, read.count());
    }

    /**
     * {@link #page} from the database alone, for while Redis cannot be asked or a consistency token the lists in
     * Redis did not reach in time: the ids with a keyset query and the
     * count, in one guarded read.
     */
    public Ids pageFromDatabase(Owner owner, int page, int pageSize) {
        long first = (long) (page - 1) * pageSize;
        return database.read(() -> new Ids(source.articleIds(owner.column(), owner.id(), Long.MAX_VALUE, first,
                pageSize), source.articleCount(owner.column(), owner.id())));
    }

    /** {@link #after} from the database alone, with the owner's count, in one guarded read. */
    public Ids afterFromDatabase(Owner owner, Long lastArticleId, int pageSize) {
        long below = lastArticleId == null ? Long.MAX_VALUE : lastArticleId;
        return database.read(() -> new Ids(source.articleIds(owner.column(), owner.id(), below, 0, pageSize),
                source.articleCount(owner.column(), owner.id())));
    }

    /** {@code known} when it is a count, else the owner's article count from SQL. */
    public long count(Owner owner, long known) {
        return known >= 0 ? known : database.read(() -> source.articleCount(owner.column(), owner.id()));
    }

    /**
     * The part of the owner's list, from the near cache when {@code readMode} allows it (a read after a consistency
     * token must see Redis now, not what an invalidation on its way may still drop).
     */
    private ListRead read(Owner owner, ReadMode readMode, String mode, String from, String to) {
        if (readMode != ReadMode.CACHED) {
            return readRedis(owner, mode, from, to);
        }
        ListKey key = new ListKey(owner.key(), mode, from, to);
        ListRead known = kept.get(key);
        if (known != null) {
            return known;
        }
        NearCacheByOwner.Reservation reservation = kept.reserve(owner.key(), key);
        ListRead read = readRedis(owner, mode, from, to);
        if (!read.building()) { // a building generation's lists are not the ones readers will see: SQL answers
            kept.store(key, reservation, read);
        }
        return read;
    }

    private ListRead readRedis(Owner owner, String mode, String from, String to) {
        List<?> result = (List<?>) scripts.call(PAGE, owner.key(), List.of(keys.namespace(), mode, from, to,
                owner.key()));
        boolean building = (Long) result.get(0) == 1;
        List<Long> ids = new ArrayList<>(result.size() - 4);
        for (int i = 4; i < result.size(); i++) {
            ids.add((Long) result.get(i));
        }
        return new ListRead(building, (Long) result.get(1), (Long) result.get(2), (Long) result.get(3), ids);
    }

    /**
     * What Redis knows of an owner's list. {@code count} is -1 when Redis has no count (rebuilding, or no such owner
     * yet); ids are those of the requested part of the list.
     */
    private record ListRead(boolean building, long count, long listLength, long lowestListed, List<Long> ids) {
        /** Whether older articles exist (or may exist) in SQL. */
        boolean incomplete() {
            return building || count < 0 || listLength < count;
        }

        /** Roughly what a kept read takes on the heap: the record, its list and a boxed id each. */
        int heapBytes() {
            return 120 + 24 * ids.size();
        }
    }

    /** Which read of which owner's list: what list_page.lua was asked. */
    private record ListKey(String owner, String mode, String from, String to) {
    }
}
