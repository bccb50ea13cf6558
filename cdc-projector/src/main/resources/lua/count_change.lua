-- Adds +1 or -1 to article models' comment or like counts, once per position, for one or more changes in order.
-- Consecutive count changes of a batch share one call: each call of a script costs Redis more than the few
-- commands one change needs, and most changes are comments and likes.
-- Per change i (from 1): KEYS[2i-1] model hash, KEYS[2i] missed-change marker;
-- ARGV[1] model TTL seconds, then per change ARGV[4i-2..4i+1]: count field, delta, position, 'snapshot' or 'stream'.
-- Streaming: only a complete model older than the change is touched; a missing model is built later from SQL
-- with exact counts. Snapshot: the namespace is being built from nothing, rows come exactly once and a
-- comment may come before its article, so the count is added to whatever is there.
-- Returns how many changes were applied; or, when Redis refused any streamed change (a model key holding
-- something else), one result per change: 1 applied, 0 skipped, or the error. A refused change is refused
-- alone and the others still apply, as with one call each.
local ttl = ARGV[1]
local applied = 0
local results = nil

local function failed(reply)
    return type(reply) == 'table' and reply.err
end

local function snapshotChange(model, field, delta, pos)
    local isNewKey = redis.call('EXISTS', model) == 0
    redis.call('HINCRBY', model, field, delta)
    redis.call('HSET', model, '_pos', pos)
    if isNewKey then
        redis.call('EXPIRE', model, ttl)
    end
    return 1
end

local function streamChange(model, missed, field, delta, pos)
    -- one read for both checks
    local seen = redis.pcall('HMGET', model, 'articleId', '_pos')
    if failed(seen) then
        return seen.err
    end
    if not seen[1] then
        -- remember that this article changed while it had no model: a model being read from SQL right now
        -- (query-api read-through) may predate this change and must not be stored
        redis.call('SET', missed, pos, 'PX', 60000)
        return 0
    end
    if seen[2] and seen[2] >= pos then
        return 0
    end
    local counted = redis.pcall('HINCRBY', model, field, delta)
    if failed(counted) then
        return counted.err
    end
    redis.call('HSET', model, '_pos', pos)
    return 1
end

local changes = #KEYS / 2
for i = 1, changes do
    local a = 4 * i - 2
    local result
    if ARGV[a + 3] == 'snapshot' then
        result = snapshotChange(KEYS[2 * i - 1], ARGV[a], ARGV[a + 1], ARGV[a + 2])
    else
        result = streamChange(KEYS[2 * i - 1], KEYS[2 * i], ARGV[a], ARGV[a + 1], ARGV[a + 2])
    end
    if type(result) == 'string' and not results then
        -- the first refusal: from here on, answer per change (1 for the changes before it, which only count)
        results = {}
        for j = 1, changes do
            results[j] = 1
        end
    end
    if results then
        results[i] = result
    elseif result == 1 then
        applied = applied + 1
    end
end
return results or applied
