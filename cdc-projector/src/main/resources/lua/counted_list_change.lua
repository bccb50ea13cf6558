-- Adds an article to an owner's counted list (a writer's; a board's in a Redis Cluster, where the article's model is
-- another slot) or takes it off (lib/counted_list.lua), atomically.
-- KEYS[1] owner hash, KEYS[2] owner list; ARGV[1] article id, ARGV[2] +1 or -1, ARGV[3] position,
-- ARGV[4] 'snapshot' or 'stream', ARGV[5] list length, ARGV[6] the guard ('owner' or 'article')
counted_list_change(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4] == 'snapshot', tonumber(ARGV[5]),
    ARGV[6])
return 1
