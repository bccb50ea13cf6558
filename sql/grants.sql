-- Least-privilege users. The passwords are development defaults: change them for any shared server
-- (ALTER USER ... IDENTIFIED BY ...) and pass the new ones through the environment variables in README.md.

-- command-api: reads and writes the board tables, nothing else.
CREATE USER IF NOT EXISTS 'board_app'@'%' IDENTIFIED BY 'board_app';
GRANT SELECT, INSERT, UPDATE, DELETE ON board.* TO 'board_app'@'%';

-- query-api's fallback reads (read-through on a missing model): SELECT only.
CREATE USER IF NOT EXISTS 'board_query'@'%' IDENTIFIED BY 'board_query';
GRANT SELECT ON board.* TO 'board_query'@'%';

-- cdc-projector: what the Debezium MySQL/MariaDB connectors need to snapshot and to read the binlog.
-- RELOAD is for the snapshot's FLUSH TABLES; REPLICATION CLIENT (BINLOG MONITOR on MariaDB) for SHOW MASTER STATUS.
CREATE USER IF NOT EXISTS 'board_cdc'@'%' IDENTIFIED BY 'board_cdc';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'board_cdc'@'%';
