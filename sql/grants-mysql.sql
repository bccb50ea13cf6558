-- MySQL only, after grants.sql (docker-compose runs it third). query-api's read-through on MySQL reads with
-- locking reads (SELECT ... FOR SHARE needs LOCK TABLES besides SELECT from MySQL 8.0.22 on) and then
-- SHOW BINARY LOG STATUS (SHOW MASTER STATUS before 8.2) while it holds them (REPLICATION CLIENT), so the
-- model it stores carries the binlog position of what it read.
GRANT LOCK TABLES ON board.* TO 'board_query'@'%';
GRANT REPLICATION CLIENT ON *.* TO 'board_query'@'%';
