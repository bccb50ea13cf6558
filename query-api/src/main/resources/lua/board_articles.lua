-- Reads a page of a board's article list and their models in one atomic step, so a reader never sees
-- an id whose model a concurrent change has not written yet, nor a count out of step with the list.
-- KEYS[1] board zset
-- ARGV[1] model key prefix ("{ns}:article:"), ARGV[2] 'page' or 'after'
-- page:  ARGV[3] first rank, ARGV[4] last rank (newest first)
-- after: ARGV[3] article id to continue below (exclusive), ARGV[4] how many
-- Returns { article count, model1 (flat field/value list), model2, ... }
local ids
if ARGV[2] == 'page' then
    ids = redis.call('ZREVRANGE', KEYS[1], ARGV[3], ARGV[4])
else
    ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], '(' .. ARGV[3], '-inf', 'LIMIT', 0, ARGV[4])
end
local result = { redis.call('ZCARD', KEYS[1]) }
for _, id in ipairs(ids) do
    local model = redis.call('HGETALL', ARGV[1] .. id)
    if #model > 0 then
        result[#result + 1] = model
    end
end
return result
