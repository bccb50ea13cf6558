-- Removes an article's model and takes it off its board's count and list, atomically.
-- KEYS[1] model hash, KEYS[2] board hash, KEYS[3] board list, KEYS[4] missed-change marker;
-- ARGV[1] article id, ARGV[2] position
local id, pos = ARGV[1], ARGV[2]
local seen = redis.call('HGET', KEYS[1], '_pos')
if not seen or seen < pos then
    redis.call('DEL', KEYS[1])
    -- a read-through that began before the delete must not store the article again
    redis.call('SET', KEYS[4], pos, 'PX', 60000)
end
local boardSeen = redis.call('HGET', KEYS[2], '_pos')
if not boardSeen or boardSeen < pos then
    redis.call('HINCRBY', KEYS[2], 'count', -1)
    redis.call('HSET', KEYS[2], '_pos', pos)
    redis.call('ZREM', KEYS[3], id)
end
return 1
