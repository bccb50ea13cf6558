-- Reads a page of a board's list and the models of its articles in one atomic step.
-- KEYS[1] board list (zset), KEYS[2] board hash, KEYS[3] namespace meta
-- ARGV[1] model key prefix ("{ns}:article:"), ARGV[2] 'page' or 'after'
-- page:  ARGV[3] first rank, ARGV[4] last rank (newest first)
-- after: ARGV[3] article id to continue below (exclusive, or '+inf'), ARGV[4] how many
-- Returns { building (0/1), article count (-1 when unknown), list length, lowest listed id (0 when empty),
--           id1, model1 (flat field/value list, empty when the model expired), id2, model2, ... }
if redis.call('HGET', KEYS[3], 'building') == '1' then
    return { 1, -1, 0, 0 }
end
local count = redis.call('HGET', KEYS[2], 'count')
local ids
if ARGV[2] == 'page' then
    ids = redis.call('ZREVRANGE', KEYS[1], ARGV[3], ARGV[4])
else
    local below = ARGV[3] == '+inf' and '+inf' or '(' .. ARGV[3]
    ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], below, '-inf', 'LIMIT', 0, ARGV[4])
end
local lowest = redis.call('ZRANGE', KEYS[1], 0, 0)
local result = { 0, count and tonumber(count) or -1, redis.call('ZCARD', KEYS[1]), lowest[1] and tonumber(lowest[1]) or 0 }
for _, id in ipairs(ids) do
    result[#result + 1] = tonumber(id)
    result[#result + 1] = redis.call('HGETALL', ARGV[1] .. id)
end
return result
