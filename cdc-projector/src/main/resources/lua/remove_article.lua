-- Removes an article query model and its board index entry, atomically.
-- KEYS[1] model hash, KEYS[2] board zset; ARGV[1] article id
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
