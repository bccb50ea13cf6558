-- Stores an article model read from SQL (read-through) in the active generation, unless something newer is known.
-- ARGV[1] namespace, ARGV[2] article id, ARGV[3] position of the SQL read, ARGV[4] TTL seconds,
-- ARGV[5..] field, value, ...
-- Not stored: without an active generation, or while a snapshot builds it; when the projector saw a change to
-- this article after the read (it found no model and left the marker; storing would lose that change); when
-- the model already holds a change at or after the read.
local prefix = active_models(ARGV[1])
if not prefix then
    return 0
end
local model = prefix .. '{a:' .. ARGV[2] .. '}'
local missed = redis.call('GET', model .. ':missed')
if missed and missed > ARGV[3] then
    return 0
end
local seen = redis.call('HGET', model, '_pos')
if seen and seen >= ARGV[3] then
    return 0
end
redis.call('DEL', model)
redis.call('HSET', model, '_pos', ARGV[3], unpack(ARGV, 5))
redis.call('EXPIRE', model, ARGV[4])
return 1
