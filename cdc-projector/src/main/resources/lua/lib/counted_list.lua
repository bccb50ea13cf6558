-- Library: a counted list of an owner's newest articles (a board's, a writer's). The owner's hash holds count
-- (exact) and _pos (the position of the last change it took); its list is a zset of the newest article ids, scored
-- by id, without gaps, at most `limit` long. Scripts that keep such lists are loaded with this text in front.
-- Outside a snapshot a change at or below the owner's _pos was applied before and is skipped.
local function counted_list_change(owner, list, id, delta, pos, snapshot, limit)
    if not snapshot then
        local seen = redis.call('HGET', owner, '_pos')
        if seen and seen >= pos then
            return
        end
    end
    local countBefore = tonumber(redis.call('HGET', owner, 'count') or '0')
    redis.call('HINCRBY', owner, 'count', delta)
    redis.call('HSET', owner, '_pos', pos)
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
