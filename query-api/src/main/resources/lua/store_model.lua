-- Stores an article model read from SQL (read-through), unless something newer is known.
-- KEYS[1] model hash, KEYS[2] missed-change marker, KEYS[3] namespace meta
-- ARGV[1] position of the SQL read, ARGV[2] TTL seconds, ARGV[3..] field, value, ...
-- Not stored: while a snapshot rebuilds the namespace; when the projector saw a change to this article after
-- the read (it found no model and left the marker; storing would lose that change); when the model
-- already holds a change at or after the read.
if redis.call('HGET', KEYS[3], 'building') == '1' then
    return 0
end
local missed = redis.call('GET', KEYS[2])
if missed and missed > ARGV[1] then
    return 0
end
local seen = redis.call('HGET', KEYS[1], '_pos')
if seen and seen >= ARGV[1] then
    return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '_pos', ARGV[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
