-- An article's model alone, for a Redis Cluster, where its board's count and list are in another slot and
-- counted_list_change.lua keeps them (put_article.lua and remove_article.lua do both in one step on one Redis).
-- KEYS[1] model hash, KEYS[2] missed-change marker; ARGV[1] 'put' or 'remove', ARGV[2] position,
-- put: ARGV[3] 'create' | 'update' | 'snapshot', ARGV[4] model TTL seconds, ARGV[5..] field, value, ...
if ARGV[1] == 'remove' then
    remove_model(KEYS[1], KEYS[2], ARGV[2])
else
    put_model(KEYS[1], KEYS[2], ARGV[2], ARGV[3], tonumber(ARGV[4]), 5)
end
return 1
