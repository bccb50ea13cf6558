package dev.boardcqrs.launcher;

import static dev.boardcqrs.embedded.JsonHttp.toJson;

import dev.boardcqrs.embedded.JsonHttp;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The convergence tests' writers: one random write at a time, through command-api or as plain SQL as another system
 * would write, on a few boards and by a few writers, so that articles are created, edited, moved between boards and
 * writers, deleted, and get comments and likes that come and go (and comments that move between articles).
 */
final class RandomWrites {
    static final long[] BOARDS = {9001, 9002, 9003};
    /** The users who write; a plain-SQL update may give an article to any of them. */
    static final long[] WRITERS = {1, 2, 3, 4, 5};

    private final DevStack stack;
    private final JsonHttp command;

    RandomWrites(DevStack stack) {
        this.stack = stack;
        this.command = new JsonHttp(stack.commandApiUrl());
    }

    void write(Random random) throws Exception {
        List<Long> articles = stack.database().ids("SELECT article_id FROM article WHERE board_id IN (9001, 9002, 9003)");
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
                    stack.database().executeInTransaction("DELETE FROM article_like WHERE article_id = " + article,
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

    private long writerOf(long article) throws SQLException {
        List<Long> writer = stack.database().ids("SELECT writer_id FROM article WHERE article_id = " + article);
        return writer.isEmpty() ? 1 : writer.get(0);
    }

    private void sql(String statement) throws SQLException {
        stack.database().executeInTransaction(statement);
    }
}
