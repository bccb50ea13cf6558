-- Library: a counted list of an owner's newest articles (a board's, a writer's). The owner's hash holds count
-- (exact); its list is a zset of the newest article ids, scored by id, without gaps, at most `limit` long. Scripts
-- that keep such lists are loaded with this text in front. A change applied before is skipped by one of two guards:
-- 'owner' (the embedded engine: every change in one total order): the owner's _pos is the position of the last
--   change it took, and a change at or below it is skipped; snapshot rows (each exactly once) are not guarded.
-- 'article' (Kafka: each article's changes in order, different articles' in any order): the owner's field
--   'm:<id>' is '+' or '-' and the position of the last change of that article it took ('+' in, '-' left); a change
--   at or below it is skipped, snapshot rows too, and the count moves only when the article goes in or out. So
--   changes of different articles commute, and the count is the number of '+' entries whatever their order.
local function counted_list_change(owner, list, id, delta, pos, snapshot, limit, guard)
    if guard == 'article' then
        local field = 'm:' .. id
        local entry = redis.call('HGET', owner, field)
        if entry and string.sub(entry, 2) >= pos then
            return
        end
        redis.call('HSET', owner, field, (delta > 0 and '+' or '-') .. pos)
        local wasIn = entry ~= false and string.sub(entry, 1, 1) == '+'
        if wasIn == (delta > 0) then
            return
        end
    elseif not snapshot then
        local seen = redis.call('HGET', owner, '_pos')
        if seen and seen >= pos then
            return
        end
    end
    local countBefore = tonumber(redis.call('HGET', owner, 'count') or '0')
    redis.call('HINCRBY', owner, 'count', delta)
    if guard ~= 'article' then
        redis.call('HSET', owner, '_pos', pos)
    end
    if delta < 0 then
        redis.call('ZREM', list, id)
        return
    end
    -- add only if the list held all of the owner's articles, or if this one is newer than its oldest; then keep the
    -- newest `limit`
    local size = redis.call('ZCARD', list)
    local lowest = redis.call('ZRANGE', list, 0, 0, 'WITHSCORES')
    if size >= countBefore or (lowest[2] and tonumber(id) > tonumber(lowest[2])) then
        redis.call('ZADD', list, id, id)
        redis.call('ZREMRANGEBYRANK', list, 0, -(limit + 1))
    end
end
