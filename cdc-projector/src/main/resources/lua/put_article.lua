-- Writes an article query model and indexes it on its board, atomically.
-- KEYS[1] model hash, KEYS[2] comment id set, KEYS[3] like id set, KEYS[4] board zset,
-- KEYS[5] previous board zset (equal to KEYS[4] when the board did not change)
-- ARGV[1] article id, ARGV[2..] field, value, field, value ...
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
-- counts come from the member sets, so they are right whatever order rows arrived in
redis.call('HSET', KEYS[1], 'commentCount', redis.call('SCARD', KEYS[2]), 'likeCount', redis.call('SCARD', KEYS[3]))
redis.call('ZADD', KEYS[4], ARGV[1], ARGV[1])
if KEYS[5] ~= KEYS[4] then
    redis.call('ZREM', KEYS[5], ARGV[1])
end
return 1
