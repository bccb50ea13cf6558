-- Removes an article's model and takes it off its board's count and list, atomically.
-- KEYS[1] model hash, KEYS[2] board hash, KEYS[3] board list, KEYS[4] missed-change marker;
-- ARGV[1] article id, ARGV[2] position, ARGV[3] the board's guard ('owner' or 'article', lib/counted_list.lua)
local id, pos = ARGV[1], ARGV[2]
local seen = redis.call('HGET', KEYS[1], '_pos')
if not seen or seen < pos then
    redis.call('DEL', KEYS[1])
    -- a read-through that began before the delete must not store the article again
    redis.call('SET', KEYS[4], pos, 'PX', 60000)
end
counted_list_change(KEYS[2], KEYS[3], id, -1, pos, false, 0, ARGV[3])
return 1
