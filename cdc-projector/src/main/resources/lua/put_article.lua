-- Writes an article's row fields into its model and keeps its board's count and list, atomically.
-- KEYS[1] model hash, KEYS[2] board hash, KEYS[3] board list, KEYS[4] previous board hash, KEYS[5] previous board list,
-- KEYS[6] missed-change marker
-- ARGV[1] article id, ARGV[2] position, ARGV[3] 'create' | 'update' | 'snapshot', ARGV[4] model TTL seconds,
-- ARGV[5] list length, ARGV[6] the boards' guard ('owner' or 'article', lib/counted_list.lua),
-- ARGV[7..] field, value, ...
-- The model follows lib/article_model.lua; the board's counted list guards its count likewise.
local id, pos, mode, ttl, limit, guard = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]

put_model(KEYS[1], KEYS[6], pos, mode, ttl, 7)

if mode ~= 'update' then
    counted_list_change(KEYS[2], KEYS[3], id, 1, pos, mode == 'snapshot', limit, guard)
elseif KEYS[4] ~= KEYS[2] then
    counted_list_change(KEYS[4], KEYS[5], id, -1, pos, false, limit, guard)
    counted_list_change(KEYS[2], KEYS[3], id, 1, pos, false, limit, guard)
end
return 1
