package dev.boardcqrs.launcher;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.search.ArticleSearchIndex;
import dev.boardcqrs.common.search.SearchIndexes;
import dev.boardcqrs.common.source.Timestamps;
import dev.boardcqrs.common.writer.WriterKeys;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.generation.Generation;
import dev.boardcqrs.projector.generation.RebuildRunningException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded, reproducible run of random writes, through command-api and as plain SQL, while the projector is
 * restarted, sent old offsets (as after a crash before committing), Redis is flushed, models expire and
 * readers trigger read-throughs. At the end every query model and board list must equal the truth in SQL, and the
 * search index must hold exactly one live document per article with the SQL row's fields (no deleted one back).
 * <p>
 * CI runs a short version. A long one: {@code mvn -B verify -pl launcher -am -Dit.test=ConvergenceIT
 * -Dconvergence.operations=20000 -Dconvergence.seed=42} (the seed of every run is printed).
 */
class ConvergenceIT {
    private static final Logger log = LoggerFactory.getLogger(ConvergenceIT.class);
    private static final KeyScheme KEYS = new KeyScheme(KeyScheme.DEFAULT_NAMESPACE);
    private static final int LIST_LENGTH = 8;
    private static final long[] BOARDS = {9001, 9002, 9003};
    /** The users who write; a plain-SQL update may give an article to any of them. */
    private static final long[] WRITERS = {1, 2, 3, 4, 5};

    private static DevStack stack;
    private static JsonHttp command;
    private static JsonHttp query;

    @BeforeAll
    static void start() throws Exception {
        stack = TestStacks.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0", "PROJECTOR_PORT", "0",
                "BOARD_LIST_LENGTH", Integer.toString(LIST_LENGTH), "SEARCH_URL", SharedServers.search().url()));
        command = new JsonHttp(stack.commandApiUrl());
        query = new JsonHttp(stack.queryApiUrl());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void shouldConvergeToTheSqlTruthWhateverHappensOnTheWay() throws Exception {
        long seed = Long.getLong("convergence.seed", System.nanoTime());
        int operations = Integer.getInteger("convergence.operations", 600);
        log.info("convergence run: seed {}, {} operations", seed, operations);
        Random random = new Random(seed);
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> readConstantly(new Random(seed + 1), reading), "convergence-reader");
        reader.start();
        Path savedOffsets = Files.createTempFile("offsets", ".dat");
        Generation offsetsSavedFrom = null;
        try {
            for (int i = 0; i < operations; i++) {
                write(random);
                if (random.nextInt(100) == 0) {
                    log.info("convergence run: restarting the projector");
                    stack.restartProjector();
                } else if (random.nextInt(150) == 0) {
                    log.info("convergence run: restarting the projector from saved or older offsets");
                    stack.projector().close();
                    Generation active = Generation.parse(stack.redis().get(KEYS.active()));
                    Path offsets = active.offsetFile(stack.projectorConfig());
                    if (active.equals(offsetsSavedFrom)) { // back to older offsets: everything since is delivered again
                        Files.copy(savedOffsets, offsets, StandardCopyOption.REPLACE_EXISTING);
                    } else if (Files.exists(offsets)) {
                        Files.copy(offsets, savedOffsets, StandardCopyOption.REPLACE_EXISTING);
                        offsetsSavedFrom = active;
                    }
                    stack.restartProjector();
                } else if (random.nextInt(200) == 0) {
                    rebuildUnlessRunning();
                } else if (random.nextInt(300) == 0) {
                    log.info("convergence run: flushing Redis");
                    stack.redis().flushAll();
                    sql("INSERT INTO article (board_id, writer_id, title, content) VALUES (9001, 1, 'after flush', 'c')");
                    // the projector notices with its next batch and snapshots anew; offsets saved before that
                    // snapshot belong to the old schema history and must not be restored
                    await().atMost(Duration.ofSeconds(60)).alias("rebuild after a flush, seed " + seed)
                            .conditionEvaluationListener(condition -> {
                                if (condition.getRemainingTimeInMS() < 1000) {
                                    log.warn("still waiting for the rebuild: projector {}, meta {}",
                                            stack.projector().status().toMap(), stack.redis().hgetAll(generation().meta()));
                                }
                            })
                            .ignoreExceptions() // no generation at all until the projector notices
                            .until(() -> stack.redis().hget(generation().meta(), "watermark") != null
                                    && "0".equals(stack.redis().hget(generation().meta(), "building")));
                    offsetsSavedFrom = null;
                } else if (random.nextInt(20) == 0) {
                    expireSomeModels(random);
                }
            }
        } finally {
            reading.set(false);
            reader.join();
        }
        log.info("convergence run: seed {}: writes done, waiting for the projector", seed);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(differences()).as("differences, seed " + seed).isEmpty());
        assertThat(queryApiDifferences()).as("query-api differences, seed " + seed).isEmpty();
    }

    @Test
    void shouldConvergeWhenTheProjectorProcessIsKilledAtRandomMoments() throws Exception {
        long seed = Long.getLong("convergence.seed", System.nanoTime()) + 7;
        int operations = Integer.getInteger("convergence.operations", 600) / 2;
        log.info("convergence run with kill -9: seed {}, {} operations", seed, operations);
        Random random = new Random(seed);
        stack.projector().close(); // a separate JVM takes over the same offsets and namespace
        ProjectorProcess projector = ProjectorProcess.start(stack, Map.of("BOARD_LIST_LENGTH", Integer.toString(LIST_LENGTH)));
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> readConstantly(new Random(seed + 1), reading), "convergence-reader");
        reader.start();
        int kills = 0;
        try {
            for (int i = 0; i < operations; i++) {
                write(random);
                if (random.nextInt(40) == 0) {
                    projector.kill(); // SIGKILL: no shutdown hook, no offset commit, maybe mid-EXEC
                    kills++;
                    projector = ProjectorProcess.start(stack, Map.of("BOARD_LIST_LENGTH", Integer.toString(LIST_LENGTH)));
                } else if (random.nextInt(200) == 0) {
                    stack.redis().flushAll();
                } else if (random.nextInt(20) == 0) {
                    expireSomeModels(random);
                }
            }
            log.info("convergence run with kill -9: seed {}: writes done after {} kills, waiting", seed, kills);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(differences()).as("differences, seed " + seed).isEmpty());
            assertThat(queryApiDifferences()).as("query-api differences, seed " + seed).isEmpty();
        } finally {
            reading.set(false);
            reader.join();
            projector.kill();
            stack.restartProjector();
        }
    }

    private static void write(Random random) throws Exception {
        List<Long> articles = ids("SELECT article_id FROM article WHERE board_id IN (9001, 9002, 9003)");
        long user = 1 + random.nextInt(5);
        JsonHttp as = command.as(stack.tokenFor(user));
        int choice = articles.isEmpty() ? 0 : random.nextInt(12);
        long article = articles.isEmpty() ? 0 : articles.get(random.nextInt(articles.size()));
        long board = BOARDS[random.nextInt(BOARDS.length)];
        switch (choice) {
            case 0 -> as.post("/articles", toJson(Map.of("boardId", board, "title", "t" + random.nextInt(1000), "content", "c")));
            case 1 -> sql("INSERT INTO article (board_id, writer_id, title, content) VALUES (" + board + ", " + user + ", 'sql', 'c')");
            case 2 -> {
                if (random.nextBoolean()) {
                    sql("UPDATE article SET title = 'renamed " + random.nextInt(1000) + "', board_id = " + board
                            + " WHERE article_id = " + article);
                } else {
                    sql("UPDATE article SET writer_id = " + WRITERS[random.nextInt(WRITERS.length)]
                            + " WHERE article_id = " + article);
                }
            }
            case 3 -> {
                if (random.nextBoolean()) {
                    command.as(stack.tokenFor(writerOf(article))).delete("/articles/" + article);
                } else {
                    sqlTransaction("DELETE FROM article_like WHERE article_id = " + article,
                            "DELETE FROM comment WHERE article_id = " + article, "DELETE FROM article WHERE article_id = " + article);
                }
            }
            case 4, 5 -> as.post("/articles/" + article + "/comments", toJson(Map.of("content", "c")));
            case 6 -> sql("INSERT INTO comment (article_id, writer_id, content) VALUES (" + article + ", " + user + ", 'sql')");
            case 7 -> sql("UPDATE comment SET deleted = NOT deleted WHERE article_id = " + article + " ORDER BY comment_id LIMIT 1");
            case 8 -> sql("DELETE FROM comment WHERE article_id = " + article + " ORDER BY comment_id DESC LIMIT 1");
            case 9 -> sql("UPDATE comment SET article_id = " + articles.get(random.nextInt(articles.size()))
                    + " WHERE article_id = " + article + " ORDER BY comment_id LIMIT 1");
            case 10 -> as.post("/articles/" + article + "/likes", "");
            default -> {
                if (random.nextBoolean()) {
                    as.delete("/articles/" + article + "/likes/" + user);
                } else {
                    sql("INSERT IGNORE INTO article_like (article_id, user_id) VALUES (" + article + ", " + (10 + random.nextInt(5)) + ")");
                }
            }
        }
    }

    private static void expireSomeModels(Random random) throws Exception {
        Optional<KeyScheme> active = KEYS.activeIn(stack.redis());
        for (long id : ids("SELECT article_id FROM article")) {
            if (random.nextInt(4) == 0 && active.isPresent()) {
                stack.redis().del(BoardKeys.in(active.get()).article(id));
            }
        }
    }

    /** An operator's rebuild: a new generation fills beside the active one and takes over when level. */
    private static void rebuildUnlessRunning() {
        try {
            log.info("rebuilding into generation {}", stack.projector().rebuild("convergence test"));
        } catch (RebuildRunningException alreadyRunning) {
            log.info("not rebuilding: {}", alreadyRunning.getMessage());
        }
    }

    private static void readConstantly(Random random, AtomicBoolean reading) {
        while (reading.get()) {
            try {
                if (random.nextBoolean()) {
                    query.get("/articles/" + (1 + random.nextInt(200)));
                } else {
                    query.get("/boards/" + BOARDS[random.nextInt(BOARDS.length)] + "/articles?page=" + (1 + random.nextInt(3))
                            + "&pageSize=" + (1 + random.nextInt(10)));
                }
            } catch (RuntimeException e) {
                // reads may fail while servers restart; the end state is what is checked
            }
        }
    }

    /** Every model and board in Redis compared with SQL; an empty list means they agree. */
    private static List<String> differences() throws Exception {
        List<String> differences = new ArrayList<>();
        Map<Long, ArticleModel> truth = truth();
        for (String key : stack.redis().keys(boardKeys().articlePrefix() + "*")) {
            if (!key.matches(".*\\{a:\\d+}")) {
                continue;
            }
            ArticleModel model = ArticleModel.fromHash(stack.redis().hgetAll(key));
            if (model == null) {
                differences.add(key + " is a partial model");
                continue;
            }
            ArticleModel expected = truth.get(model.articleId());
            if (!model.equals(expected)) {
                differences.add(key + ": " + model + " but SQL has " + expected);
            }
        }
        for (long board : BOARDS) {
            differences.addAll(listDifferences("board " + board, "board_id = " + board,
                    stack.redis().hget(boardKeys().board(board), "count"), boardKeys().boardArticles(board)));
        }
        WriterKeys writerKeys = WriterKeys.in(generation());
        for (long writer : WRITERS) {
            differences.addAll(listDifferences("writer " + writer, "writer_id = " + writer,
                    stack.redis().hget(writerKeys.writer(writer), "count"), writerKeys.writerArticles(writer)));
        }
        if (!"0".equals(stack.redis().hget(generation().meta(), "building")) && stack.redis().hget(generation().meta(), "building") != null) {
            differences.add("still building");
        }
        differences.addAll(searchDifferences(truth));
        return differences;
    }

    /** Every live document of the search index compared with SQL: one per article, with the row's fields. */
    private static List<String> searchDifferences(Map<Long, ArticleModel> truth) {
        JsonHttp engine = new JsonHttp(SharedServers.search().url());
        String alias = new SearchIndexes(KEYS.namespace()).alias(ArticleSearchIndex.NAME);
        engine.post("/" + alias + "/_refresh", "");
        JsonNode hits = engine.post("/" + alias + "/_search", toJson(Map.of("size", 10_000, "query",
                Map.of("bool", Map.of("must_not", List.of(Map.of("term", Map.of("deleted", true))))))))
                .json().path("hits").path("hits");
        List<String> differences = new ArrayList<>();
        Set<Long> found = new HashSet<>();
        for (JsonNode hit : hits) {
            long id = Long.parseLong(hit.path("_id").asText());
            found.add(id);
            ArticleModel expected = truth.get(id);
            JsonNode document = hit.path("_source");
            if (expected == null) {
                differences.add("search holds article " + id + ", which SQL does not: " + document);
            } else if (document.path("boardId").asLong() != expected.boardId()
                    || document.path("writerId").asLong() != expected.writerId()
                    || !document.path("title").asText().equals(expected.title())
                    || !document.path("content").asText().equals(expected.content())
                    || !document.path("createdAt").asText().equals(expected.createdAt())
                    || !document.path("modifiedAt").asText().equals(expected.modifiedAt())) {
                differences.add("search holds " + document + " but SQL has " + expected);
            }
        }
        truth.keySet().stream().filter(id -> !found.contains(id))
                .forEach(id -> differences.add("search misses article " + id));
        return differences;
    }

    /**
     * An owner's count and list of newest articles (a board's, a writer's) in Redis compared with SQL: the count, when
     * there is one, equals the owner's articles, and the list holds the newest of them without gaps.
     */
    private static List<String> listDifferences(String owner, String where, String storedCount, String listKey)
            throws SQLException {
        List<String> differences = new ArrayList<>();
        long count = ids("SELECT article_id FROM article WHERE " + where).size();
        if (storedCount != null && Long.parseLong(storedCount) != count) {
            differences.add(owner + " count " + storedCount + " but SQL has " + count);
        }
        List<Long> newest = ids("SELECT article_id FROM article WHERE " + where + " ORDER BY article_id DESC LIMIT "
                + LIST_LENGTH);
        List<Long> listed = stack.redis().zrevrange(listKey, 0, -1).stream().map(Long::valueOf).toList();
        if (!newest.subList(0, Math.min(listed.size(), newest.size())).equals(listed)) {
            differences.add(owner + " lists " + listed + " but the newest are " + newest);
        }
        return differences;
    }

    /** What a reader sees: every article and the first pages of every board, compared with SQL. */
    private static List<String> queryApiDifferences() throws Exception {
        List<String> differences = new ArrayList<>();
        for (ArticleModel expected : truth().values()) {
            JsonNode answer = query.get("/articles/" + expected.articleId()).json();
            if (answer.path("commentCount").asLong(-1) != expected.commentCount()
                    || answer.path("likeCount").asLong(-1) != expected.likeCount()
                    || !expected.title().equals(answer.path("title").asText())
                    || answer.path("boardId").asLong() != expected.boardId()) {
                differences.add("GET /articles/" + expected.articleId() + " " + answer + " but SQL has " + expected);
            }
        }
        for (long board : BOARDS) {
            List<Long> all = ids("SELECT article_id FROM article WHERE board_id = " + board + " ORDER BY article_id DESC");
            List<Long> paged = new ArrayList<>();
            for (int page = 1; page <= all.size() / 5 + 1; page++) {
                query.get("/boards/" + board + "/articles?page=" + page + "&pageSize=5").json().get("articles")
                        .forEach(a -> paged.add(a.get("articleId").asLong()));
            }
            if (!paged.equals(all)) {
                differences.add("board " + board + " pages " + paged + " but SQL has " + all);
            }
        }
        for (long writer : WRITERS) {
            List<Long> all = ids("SELECT article_id FROM article WHERE writer_id = " + writer + " ORDER BY article_id DESC");
            List<Long> scrolled = new ArrayList<>();
            JsonNode page = query.get("/users/" + writer + "/articles?pageSize=5").json();
            long count = page.path("articleCount").asLong(-1);
            while (!page.get("articles").isEmpty() && scrolled.size() <= all.size()) {
                page.get("articles").forEach(a -> scrolled.add(a.get("articleId").asLong()));
                page = query.get("/users/" + writer + "/articles?pageSize=5&lastArticleId="
                        + scrolled.get(scrolled.size() - 1)).json();
            }
            if (!scrolled.equals(all) || count != all.size()) {
                differences.add("writer " + writer + " scrolls " + scrolled + " (articleCount " + count + ") but SQL has "
                        + all);
            }
        }
        return differences;
    }

    private static Map<Long, ArticleModel> truth() throws SQLException {
        Map<Long, ArticleModel> truth = new LinkedHashMap<>();
        String sql = "SELECT a.article_id, a.board_id, a.writer_id, a.title, a.content, a.created_at, a.modified_at, "
                + "(SELECT COUNT(*) FROM comment c WHERE c.article_id = a.article_id AND c.deleted = FALSE), "
                + "(SELECT COUNT(*) FROM article_like l WHERE l.article_id = a.article_id) FROM article a";
        try (Connection connection = stack.database().connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                truth.put(rs.getLong(1), new ArticleModel(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                        rs.getString(5), Timestamps.format(rs.getObject(6, LocalDateTime.class)),
                        Timestamps.format(rs.getObject(7, LocalDateTime.class)),
                        rs.getLong(8), rs.getLong(9)));
            }
        }
        return truth;
    }

    private static long writerOf(long article) throws SQLException {
        List<Long> writer = ids("SELECT writer_id FROM article WHERE article_id = " + article);
        return writer.isEmpty() ? 1 : writer.get(0);
    }

    private static List<Long> ids(String sql) throws SQLException {
        return stack.database().ids(sql);
    }

    private static void sql(String statement) throws SQLException {
        sqlTransaction(statement);
    }

    private static void sqlTransaction(String... statements) throws SQLException {
        stack.database().executeInTransaction(statements);
    }

    /** The keys of the generation readers use now. */
    private static KeyScheme generation() {
        return KEYS.activeIn(stack.redis()).orElseThrow(() -> new AssertionError("the projector has made no generation yet"));
    }

    /** The board's keys in the generation readers use now. */
    private static BoardKeys boardKeys() {
        return BoardKeys.in(generation());
    }
}
