-- Library: an article's model (its hash and its missed-change marker, one hash tag), as a row change leaves it.
-- put_model: writes the row's fields given (from ARGV[first] on: field, value, ...): a new row's all of them, an update's
-- those it changed (the model holds the rest as of its _pos). A model only takes a change newer than its _pos; a
-- missing model is created only by a new row (an update of an expired model must not leave a partial one), and an
-- update that finds none leaves the marker instead.
local function put_model(model, missed, pos, mode, ttl, first)
    -- one read for both checks; a complete model (it has articleId) already has its counts and its TTL, so an
    -- update of one is this read and one HSET
    local seen = redis.call('HMGET', model, 'articleId', '_pos')
    local exists = seen[1] ~= false
    local newer = mode == 'snapshot' or not seen[2] or seen[2] < pos
    if exists and newer then
        redis.call('HSET', model, '_pos', pos, unpack(ARGV, first))
    elseif not exists and mode ~= 'update' then
        -- a new model, or counts a snapshot added before its article's row arrived
        local isNewKey = redis.call('EXISTS', model) == 0
        redis.call('HSET', model, '_pos', pos, unpack(ARGV, first))
        redis.call('HSETNX', model, 'commentCount', 0)
        redis.call('HSETNX', model, 'likeCount', 0)
        if isNewKey or redis.call('TTL', model) < 0 then
            redis.call('EXPIRE', model, ttl)
        end
    elseif not exists then
        -- an expired model: see count_change.lua
        redis.call('SET', missed, pos, 'PX', 60000)
    end
end

-- remove_model: drops the model unless it holds a newer change.
local function remove_model(model, missed, pos)
    local seen = redis.call('HGET', model, '_pos')
    if not seen or seen < pos then
        redis.call('DEL', model)
        -- a read-through that began before the delete must not store the article again
        redis.call('SET', missed, pos, 'PX', 60000)
    end
end
