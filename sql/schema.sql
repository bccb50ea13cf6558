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
    INDEX idx_article_board (board_id, article_id DESC),
    -- a writer's articles, newest first, beyond what the writer's list in Redis holds
    INDEX idx_article_writer (writer_id, article_id DESC)
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

-- The grocery display domain. Catalogs form a tree (parent_id NULL for a root); products sit on leaf catalogs
-- (command-api enforces it, plain SQL may not). No foreign keys: rows may arrive in any order, and the projector
-- handles a product or child whose catalog it has not seen yet. price is in minor units (cents).
CREATE TABLE IF NOT EXISTS catalog (
    catalog_id    BIGINT       NOT NULL AUTO_INCREMENT,
    parent_id     BIGINT       NULL,
    name          VARCHAR(100) NOT NULL,
    display_order INT          NOT NULL DEFAULT 0,
    PRIMARY KEY (catalog_id),
    INDEX idx_catalog_parent (parent_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS product (
    product_id    BIGINT       NOT NULL AUTO_INCREMENT,
    catalog_id    BIGINT       NOT NULL,
    name          VARCHAR(200) NOT NULL,
    price         BIGINT       NOT NULL,
    status        VARCHAR(16)  NOT NULL DEFAULT 'ON_SALE',
    display_order INT          NOT NULL DEFAULT 0,
    updated_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (product_id),
    INDEX idx_product_catalog (catalog_id),
    CONSTRAINT ck_product_status CHECK (status IN ('ON_SALE', 'SOLD_OUT', 'HIDDEN')),
    CONSTRAINT ck_product_price CHECK (price >= 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
