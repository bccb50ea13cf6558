package dev.boardcqrs.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.DatabaseKind;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SqlNumbers;
import dev.boardcqrs.projector.cli.OperatorCommands;
import dev.boardcqrs.projector.redis.JedisProjectorRedis;
import dev.boardcqrs.projector.generation.Generation;
import dev.boardcqrs.query.QueryApiConfig;
import dev.boardcqrs.query.QueryApp;
import dev.boardcqrs.query.readthrough.ArticleSource;
import dev.boardcqrs.query.readthrough.QueryDatabase;
import dev.boardcqrs.query.readthrough.SqlArticleSource;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Counts stay exact when models expire and are rebuilt from SQL while changes are in flight, when Debezium
 * delivers changes again, when Redis loses everything, and for pages older than the board's list.
 */
class ExactnessIT {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final KeyScheme KEYS = new KeyScheme(KeyScheme.DEFAULT_NAMESPACE);
    private static final AtomicLong BOARDS = new AtomicLong(500);

    private static DevStack stack;
    private static JsonHttp query;

    @BeforeAll
    static void start() throws Exception {
        stack = TestStacks.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0", "PROJECTOR_PORT", "0",
                "BOARD_LIST_LENGTH", "5"));
        query = new JsonHttp(stack.queryApiUrl());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void shouldRebuildAnExpiredModelFromSqlWithExactCounts() throws Exception {
        long article = articleWithComments(BOARDS.incrementAndGet(), 3);
        stack.redis().del(board().article(article)); // as when its TTL ran out

        // query-api's near cache may answer until Redis' report of the delete arrives, a moment later
        eventually(() -> {
            assertThat(article(article).get("commentCount").asLong()).isEqualTo(3);
            assertThat(stack.redis().hget(board().article(article), "commentCount")).isEqualTo("3");
        });
        assertThat(stack.redis().ttl(board().article(article))).isPositive();

        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 1, 'after rebuild')", article);
        eventually(() -> assertThat(article(article).get("commentCount").asLong()).isEqualTo(4));
    }

    @Test
    void shouldNotStoreAReadThroughModelThatMissedAChangeMadeDuringTheRead() throws Exception {
        long article = articleWithComments(BOARDS.incrementAndGet(), 1);
        stack.redis().del(board().article(article));
        PausingSource source = new PausingSource();
        QueryApiConfig config = QueryApiConfig.fromEnv(new Env(Map.of("QUERY_API_PORT", "0",
                "QUERY_DATABASE_URL", stack.database().jdbcUrl())));
        try (HikariDataSource pool = QueryDatabase.pool(config)) {
            source.real = new SqlArticleSource(pool, Duration.ofSeconds(5));
            Javalin racing = QueryApp.create(config, stack.redis(), source).start();
            try {
                JsonHttp racingQuery = new JsonHttp("http://127.0.0.1:" + racing.port());
                CompletableFuture<JsonNode> read = CompletableFuture.supplyAsync(
                        () -> racingQuery.get("/articles/" + article).json());
                assertThat(source.readDone.await(10, TimeUnit.SECONDS)).isTrue();
                // the SQL read saw one comment; a second one commits and reaches the projector before the store
                stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 1, 'racing')", article);
                await().atMost(WITHIN).until(() -> stack.redis().exists(board().articleMissed(article)));
                source.release.countDown();

                assertThat(read.get(10, TimeUnit.SECONDS).get("commentCount").asLong())
                        .as("the answer is consistent as of the read").isEqualTo(1);
                assertThat(stack.redis().exists(board().article(article)))
                        .as("a model that misses a newer change is not stored").isFalse();
            } finally {
                racing.stop();
            }
        }
        assertThat(article(article).get("commentCount").asLong()).isEqualTo(2);
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 1, 'later')", article);
        eventually(() -> assertThat(article(article).get("commentCount").asLong()).isEqualTo(3));
    }

    @Test
    void shouldApplyEachChangeOnceWhenDebeziumDeliversItAgain() throws Exception {
        long board = BOARDS.incrementAndGet();
        long article = articleWithComments(board, 1);
        stack.projector().close(); // commits its offsets
        Path offsets = Generation.parse(stack.redis().get(KEYS.active())).offsetFile(stack.projectorConfig());
        Path older = Files.createTempFile("offsets", ".dat");
        Files.copy(offsets, older, StandardCopyOption.REPLACE_EXISTING);
        stack.restartProjector();
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 1, 'two')", article);
        stack.database().insert("INSERT INTO article_like (article_id, user_id) VALUES (?, 5)", article);
        stack.database().execute("DELETE FROM comment WHERE article_id = ? ORDER BY comment_id LIMIT 1", article);
        stack.database().insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (?, 1, 'second', 'x')", board);
        eventually(() -> assertThat(article(article).get("likeCount").asLong()).isEqualTo(1));
        // the new article is the last write and may come in a later batch than the like: wait for it too
        eventually(() -> assertThat(query.get("/boards/" + board + "/articles").json().get("articleCount").asLong())
                .isEqualTo(2));
        assertTruth(article, board);

        stack.projector().close();
        Files.copy(older, offsets, StandardCopyOption.REPLACE_EXISTING); // as after a crash before committing
        stack.restartProjector();
        stack.database().insert("INSERT INTO article_like (article_id, user_id) VALUES (?, 6)", article);

        eventually(() -> assertThat(article(article).get("likeCount").asLong()).isEqualTo(2));
        assertThat(stack.projector().status().duplicates()).as("changes delivered again").isGreaterThanOrEqualTo(4);
        assertTruth(article, board);
    }

    @Test
    void shouldServePagesOlderThanTheListFromSql() throws Exception {
        long board = BOARDS.incrementAndGet();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(stack.database().insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (?, 1, 't', 'c')", board));
        }
        stack.database().execute("DELETE FROM article WHERE article_id = ?", ids.get(10)); // one of the listed ones
        List<Long> newestFirst = new ArrayList<>(ids);
        newestFirst.remove(10);
        Collections.reverse(newestFirst);
        eventually(() -> assertThat(pageIds(board, 1, 4)).containsExactlyElementsOf(newestFirst.subList(0, 4)));
        assertThat(stack.redis().zcard(board().boardArticles(board))).as("the list holds the newest five at most").isLessThanOrEqualTo(5);

        assertThat(pageIds(board, 2, 4)).containsExactlyElementsOf(newestFirst.subList(4, 8));
        assertThat(pageIds(board, 3, 4)).containsExactlyElementsOf(newestFirst.subList(8, 11));
        assertThat(query.get("/boards/" + board + "/articles?page=3&pageSize=4").json().get("articleCount").asLong())
                .isEqualTo(11);
        List<Long> scrolled = new ArrayList<>();
        Long last = null;
        for (int i = 0; i < 5; i++) {
            JsonNode page = query.get("/boards/" + board + "/articles/infinite-scroll?pageSize=3"
                    + (last == null ? "" : "&lastArticleId=" + last)).json();
            page.get("articles").forEach(a -> scrolled.add(a.get("articleId").asLong()));
            last = scrolled.isEmpty() ? null : scrolled.get(scrolled.size() - 1);
        }
        assertThat(scrolled).containsExactlyElementsOf(newestFirst);
    }

    @Test
    void shouldRebuildByItselfAfterRedisIsFlushedWhileReadsUseSql() throws Exception {
        long board = BOARDS.incrementAndGet();
        long article = articleWithComments(board, 2);
        long snapshotsBefore = stack.projector().status().snapshotRows();

        stack.redis().flushAll();
        assertThat(article(article).get("commentCount").asLong()).as("read from SQL meanwhile").isEqualTo(2);
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 1, 'after flush')", article);

        eventually(() -> {
            assertThat(stack.redis().hget(generation().meta(), "watermark")).isNotNull();
            assertThat(stack.redis().hget(generation().meta(), "building")).isEqualTo("0");
            assertThat(stack.redis().hget(board().article(article), "commentCount")).isEqualTo("3");
            assertThat(stack.redis().hget(board().board(board), "count")).isEqualTo("1");
        });
        assertThat(stack.projector().status().snapshotRows()).isGreaterThan(snapshotsBefore);
        assertTruth(article, board);
    }

    @Test
    void shouldRebuildIntoANewGenerationWhileTheActiveOneKeepsServingAndSwitchWithoutGoingBackInTime()
            throws Exception {
        long board = BOARDS.incrementAndGet();
        long article = articleWithComments(board, 2);
        // enough rows that the rebuild's snapshot takes a while, with writes landing during it
        stack.database().execute("INSERT INTO comment (article_id, writer_id, content) SELECT " + article
                + ", 1, CONCAT('bulk ', seq) FROM " + SqlNumbers.rows(1, 20_000));
        eventually(() -> assertThat(article(article).get("commentCount").asLong()).isEqualTo(20_002));
        String before = stack.redis().get(KEYS.active());
        List<ActiveState> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                seen.add(activeState());
            }
        }, "active-generation-watcher");
        watcher.start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        OperatorCommands commands = new OperatorCommands(stack.projectorConfig(), new JedisProjectorRedis(stack.redis()),
                new PrintStream(output, true, StandardCharsets.UTF_8), "http://127.0.0.1:" + stack.projector().port());
        CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 20; i++) {
                try {
                    stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 1, 'during')",
                            article);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });

        int exitCode = commands.run("rebuild");
        writes.join();
        watching.set(false);
        watcher.join();

        assertThat(exitCode).as(output.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(commands.run("status")).as(output.toString(StandardCharsets.UTF_8)).isZero();
        String printed = output.toString(StandardCharsets.UTF_8);
        String after = stack.redis().get(KEYS.active());
        assertThat(after).as("readers switched to the rebuilt generation").isNotEqualTo(before);
        assertThat(printed).contains("rebuild started: generation " + after + " is filled from the source anew")
                .containsPattern("rebuild done in \\d+ s; \\d+ snapshot rows").contains("models       ");
        // readers never saw a generation being built, and never a watermark lower than one they saw before
        ActiveState previous = seen.get(0);
        for (ActiveState state : seen) {
            assertThat(state.building()).as("building flag of the active generation %s", state).isNotEqualTo("1");
            assertThat(state.watermark()).as("watermark after %s", previous).isGreaterThanOrEqualTo(previous.watermark());
            previous = state;
        }
        assertThat(seen).as("both generations served in turn").anyMatch(state -> state.generation().equals(before))
                .anyMatch(state -> state.generation().equals(after));
        eventually(() -> assertThat(stack.redis().keys(KEYS.inGeneration(before).everything()))
                .as("the old generation is removed").isEmpty());
        eventually(() -> assertThat(article(article).get("commentCount").asLong()).isEqualTo(20_022));
        assertTruth(article, board);
    }

    /** The generation readers use and its meta, read in one step as query-api reads it. */
    private static ActiveState activeState() {
        List<?> state = (List<?>) stack.redis().eval("""
                local gen = redis.call('GET', KEYS[1]) or ''
                local meta = redis.call('HMGET', ARGV[1] .. ':' .. gen .. ':meta', 'building', 'watermark')
                return { gen, meta[1] or '', meta[2] or '' }
                """, List.of(KEYS.active()), List.of(KEYS.namespace()));
        return new ActiveState(state.get(0).toString(), state.get(1).toString(), state.get(2).toString());
    }

    private record ActiveState(String generation, String building, String watermark) {
    }

    @Test
    void shouldChangeNothingWhenReplayingAppliedHistory() throws Exception {
        long board = BOARDS.incrementAndGet();
        long article = articleWithComments(board, 2);
        stack.database().insert("INSERT INTO article_like (article_id, user_id) VALUES (?, 3)", article);
        eventually(() -> assertThat(article(article).get("likeCount").asLong()).isEqualTo(1));
        long skippedBefore = stack.projector().status().duplicates();
        String position = boardHistoryStart();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        OperatorCommands commands = new OperatorCommands(stack.projectorConfig(), new JedisProjectorRedis(stack.redis()),
                new PrintStream(output, true, StandardCharsets.UTF_8), "http://127.0.0.1:" + stack.projector().port());

        assertThat(commands.run("replay", "--from", "not-a-position")).isEqualTo(1);
        assertThat(commands.run("replay", "--from", position)).as(output.toString(StandardCharsets.UTF_8)).isZero();

        eventually(() -> assertThat(stack.projector().status().duplicates() - skippedBefore).isGreaterThanOrEqualTo(4));
        long skippedAfterPosition = stack.projector().status().duplicates();
        assertThat(commands.run("replay", "--from", "gtid:" + gtidsBeforeTheBoardTables())).as(output.toString(StandardCharsets.UTF_8)).isZero();
        eventually(() -> assertThat(stack.projector().status().duplicates() - skippedAfterPosition).isGreaterThanOrEqualTo(4));
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 1, 'after replay')", article);
        eventually(() -> assertThat(article(article).get("commentCount").asLong()).isEqualTo(3));
        assertTruth(article, board);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("replay refused: --from must be FILE:POSITION");
    }

    /**
     * FILE:POSITION of a transaction (GTID event) before the board's tables, so all of their history lies after
     * it: on MariaDB the one that created the board database (the third: the init file's two come first); on
     * MySQL the one after it, because MySQL's connector cannot resume from before the server's first GTID (its
     * initialisation wrote none).
     */
    private static String boardHistoryStart() throws Exception {
        try (Connection connection = stack.database().connectAsRoot(); Statement statement = connection.createStatement()) {
            List<String> files = new ArrayList<>();
            try (ResultSet logs = statement.executeQuery("SHOW BINARY LOGS")) {
                while (logs.next()) {
                    files.add(logs.getString(1));
                }
            }
            boolean created = false;
            for (String file : files) {
                long transaction = -1;
                try (ResultSet events = statement.executeQuery("SHOW BINLOG EVENTS IN '" + file + "'")) {
                    while (events.next()) {
                        if ("Gtid".equals(events.getString("Event_type"))) {
                            transaction = events.getLong("Pos");
                            if (created) {
                                return file + ":" + transaction;
                            }
                        } else if (transaction >= 0 && events.getString("Info").contains("CREATE DATABASE")) {
                            if (stack.database().kind() == DatabaseKind.MARIADB) {
                                return file + ":" + transaction;
                            }
                            created = true;
                        }
                    }
                }
            }
            throw new IllegalStateException("no transaction before the board's tables in " + files);
        }
    }

    /** The GTID set of the transactions before the board's tables, as the server's kind writes it. */
    private static String gtidsBeforeTheBoardTables() throws Exception {
        if (stack.database().kind() == DatabaseKind.MARIADB) {
            return "0-1-2";
        }
        try (Connection connection = stack.database().connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet uuid = statement.executeQuery("SELECT @@server_uuid")) {
            uuid.next();
            return uuid.getString(1) + ":1"; // CREATE DATABASE board; MySQL's initialisation wrote no GTIDs
        }
    }

    @Test
    void shouldResumeAfterTheDatabaseRestarts() throws Exception {
        long board = BOARDS.incrementAndGet();
        long article = articleWithComments(board, 1);

        stack.database().restart();
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 1, 'after restart')", article);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() ->
                assertThat(stack.redis().hget(board().article(article), "commentCount")).isEqualTo("2"));
        assertTruth(article, board);
    }

    /** A read-through source that stops between its SQL read and the store, to force the race. */
    private static final class PausingSource implements ArticleSource {
        final CountDownLatch readDone = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile ArticleSource real;

        @Override
        public Snapshot articles(Collection<Long> articleIds) {
            Snapshot snapshot = real.articles(articleIds);
            readDone.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return snapshot;
        }

        @Override
        public List<Long> articleIds(String column, long owner, long belowId, long offset, int limit) {
            return real.articleIds(column, owner, belowId, offset, limit);
        }

        @Override
        public long articleCount(String column, long owner) {
            return real.articleCount(column, owner);
        }

        @Override
        public Map<Long, Long> backedUpViewCounts(Collection<Long> articleIds) {
            return real.backedUpViewCounts(articleIds);
        }
    }

    private static long articleWithComments(long board, int comments) throws Exception {
        long article = stack.database().insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (?, 1, 't', 'c')", board);
        for (int i = 0; i < comments; i++) {
            stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 2, 'c')", article);
        }
        eventually(() -> assertThat(stack.redis().hget(board().article(article), "commentCount"))
                .isEqualTo(Integer.toString(comments)));
        return article;
    }

    private static void assertTruth(long article, long board) throws Exception {
        JsonNode model = article(article);
        assertThat(model.get("commentCount").asLong())
                .isEqualTo(stack.database().count("SELECT COUNT(*) FROM comment WHERE deleted = FALSE AND article_id = " + article));
        assertThat(model.get("likeCount").asLong()).isEqualTo(stack.database().count("SELECT COUNT(*) FROM article_like WHERE article_id = " + article));
        assertThat(query.get("/boards/" + board + "/articles").json().get("articleCount").asLong())
                .isEqualTo(stack.database().count("SELECT COUNT(*) FROM article WHERE board_id = " + board));
        assertThat(stack.redis().hget(board().article(article), "commentCount"))
                .isEqualTo(Long.toString(model.get("commentCount").asLong()));
    }

    private static List<Long> pageIds(long board, int page, int pageSize) {
        List<Long> ids = new ArrayList<>();
        query.get("/boards/" + board + "/articles?page=" + page + "&pageSize=" + pageSize).json().get("articles")
                .forEach(a -> ids.add(a.get("articleId").asLong()));
        return ids;
    }

    private static JsonNode article(long articleId) {
        JsonHttp.Response response = query.get("/articles/" + articleId);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static void eventually(ThrowingRunnable assertion) {
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(50)).ignoreExceptions().untilAsserted(assertion);
    }

    /** The keys of the generation readers use now. */
    private static KeyScheme generation() {
        return KEYS.activeIn(stack.redis()).orElseThrow(() -> new AssertionError("the projector has made no generation yet"));
    }

    /** The board's keys in the generation readers use now. */
    private static BoardKeys board() {
        return BoardKeys.in(generation());
    }
}
