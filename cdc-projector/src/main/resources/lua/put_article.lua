-- Writes an article's row fields into its model and keeps its board's count and list, atomically.
-- KEYS[1] model hash, KEYS[2] board hash, KEYS[3] board list, KEYS[4] previous board hash, KEYS[5] previous board list,
-- KEYS[6] missed-change marker
-- ARGV[1] article id, ARGV[2] position, ARGV[3] 'create' | 'update' | 'snapshot', ARGV[4] model TTL seconds,
-- ARGV[5] list length, ARGV[6] the boards' guard ('owner' or 'article', lib/counted_list.lua),
-- ARGV[7..] field, value, ...
-- A model only takes a change newer than its _pos; a missing model is created only by a new row (an update
-- of an expired model must not leave a partial one). The board's counted list guards its count likewise.
local id, pos, mode, ttl, limit, guard = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]

-- one read for both checks; a complete model (it has articleId) already has its counts and its TTL, so an
-- update of one is this read and one HSET
local model = redis.call('HMGET', KEYS[1], 'articleId', '_pos')
local exists = model[1] ~= false
local modelNewer = mode == 'snapshot' or not model[2] or model[2] < pos
if exists and modelNewer then
    redis.call('HSET', KEYS[1], '_pos', pos, unpack(ARGV, 7))
elseif not exists and mode ~= 'update' then
    -- a new model, or counts a snapshot added before its article's row arrived
    local isNewKey = redis.call('EXISTS', KEYS[1]) == 0
    redis.call('HSET', KEYS[1], '_pos', pos, unpack(ARGV, 7))
    redis.call('HSETNX', KEYS[1], 'commentCount', 0)
    redis.call('HSETNX', KEYS[1], 'likeCount', 0)
    if isNewKey or redis.call('TTL', KEYS[1]) < 0 then
        redis.call('EXPIRE', KEYS[1], ttl)
    end
elseif not exists then
    -- an expired model: see count_change.lua
    redis.call('SET', KEYS[6], pos, 'PX', 60000)
end

if mode ~= 'update' then
    counted_list_change(KEYS[2], KEYS[3], id, 1, pos, mode == 'snapshot', limit, guard)
elseif KEYS[4] ~= KEYS[2] then
    counted_list_change(KEYS[4], KEYS[5], id, -1, pos, false, limit, guard)
    counted_list_change(KEYS[2], KEYS[3], id, 1, pos, false, limit, guard)
end
return 1
