-- Command-side schema of board-cqrs. Every id is AUTO_INCREMENT so that any other system can insert
-- rows with plain SQL; the projector reads these tables from the binlog only.
-- Timestamps are DATETIME(3): wall-clock UTC, millisecond precision, the same on MySQL 8.x and MariaDB.

CREATE TABLE IF NOT EXISTS article (
    article_id  BIGINT       NOT NULL AUTO_INCREMENT,
    board_id    BIGINT       NOT NULL,
    writer_id   BIGINT       NOT NULL,
    title       VARCHAR(200) NOT NULL,
    content     MEDIUMTEXT   NOT NULL,
    created_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    modified_at DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (article_id),
    INDEX idx_article_board (board_id, article_id DESC)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- A comment with deleted = TRUE stays in the thread (it has replies) but no longer counts.
CREATE TABLE IF NOT EXISTS comment (
    comment_id        BIGINT      NOT NULL AUTO_INCREMENT,
    article_id        BIGINT      NOT NULL,
    parent_comment_id BIGINT      NULL,
    writer_id         BIGINT      NOT NULL,
    content           MEDIUMTEXT  NOT NULL,
    deleted           BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (comment_id),
    INDEX idx_comment_article (article_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS article_like (
    article_like_id BIGINT      NOT NULL AUTO_INCREMENT,
    article_id      BIGINT      NOT NULL,
    user_id         BIGINT      NOT NULL,
    created_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (article_like_id),
    UNIQUE KEY uk_article_like (article_id, user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Backup of the view counters that live in Redis (command-api's view feature). Written every N counted views
-- and on a timer, never lowered; after Redis data loss the counter restarts from here.
CREATE TABLE IF NOT EXISTS article_view_count (
    article_id BIGINT NOT NULL,
    view_count BIGINT NOT NULL,
    PRIMARY KEY (article_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
