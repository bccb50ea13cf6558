-- Reads a page of an owner's counted list (a board's, a writer's articles) from the active generation in one atomic
-- step: the ids only, since query-api keeps the models it read (near cache) and reads the others with
-- read_articles.lua.
-- ARGV[1] namespace, ARGV[2] 'page' or 'after', ARGV[5] the owner's key in the generation ('{b:7}')
-- page:  ARGV[3] first rank, ARGV[4] last rank (newest first)
-- after: ARGV[3] article id to continue below (exclusive, or '+inf'), ARGV[4] how many
-- Returns { no generation or building (0/1), article count (-1 when unknown), list length, lowest listed id (0 when
--           empty), id1, id2, ... }
local models = active_models(ARGV[1])
if not models then
    return { 1, -1, 0, 0 }
end
local owner = models .. ARGV[5]
local list = owner .. ':articles'
local count = redis.call('HGET', owner, 'count')
local ids
if ARGV[2] == 'page' then
    ids = redis.call('ZREVRANGE', list, ARGV[3], ARGV[4])
else
    local below = ARGV[3] == '+inf' and '+inf' or '(' .. ARGV[3]
    ids = redis.call('ZREVRANGEBYSCORE', list, below, '-inf', 'LIMIT', 0, ARGV[4])
end
local lowest = redis.call('ZRANGE', list, 0, 0)
local result = { 0, count and tonumber(count) or -1, redis.call('ZCARD', list), lowest[1] and tonumber(lowest[1]) or 0 }
for _, id in ipairs(ids) do
    result[#result + 1] = tonumber(id)
end
return result
