-- Adds +1 or -1 to an article model's comment or like count, once per position.
-- KEYS[1] model hash, KEYS[2] missed-change marker; ARGV[1] count field, ARGV[2] delta, ARGV[3] position, ARGV[4] 'snapshot' or 'stream',
-- ARGV[5] model TTL seconds
-- Streaming: only a complete model older than the change is touched; a missing model is built later from SQL
-- with exact counts. Snapshot: the namespace is being built from nothing, rows come exactly once and a
-- comment may come before its article, so the count is added to whatever is there.
if ARGV[4] == 'snapshot' then
    local isNewKey = redis.call('EXISTS', KEYS[1]) == 0
    redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
    redis.call('HSET', KEYS[1], '_pos', ARGV[3])
    if isNewKey then
        redis.call('EXPIRE', KEYS[1], ARGV[5])
    end
    return 1
end
-- one read for both checks: this runs once per comment or like, and each call inside a script costs Redis time
local model = redis.call('HMGET', KEYS[1], 'articleId', '_pos')
if not model[1] then
    -- remember that this article changed while it had no model: a model being read from SQL right now
    -- (query-api read-through) may predate this change and must not be stored
    redis.call('SET', KEYS[2], ARGV[3], 'PX', 60000)
    return 0
end
if model[2] and model[2] >= ARGV[3] then
    return 0
end
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[1], '_pos', ARGV[3])
return 1
