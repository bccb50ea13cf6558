-- Adds an article to a writer's counted list or takes it off (lib/counted_list.lua), atomically.
-- KEYS[1] writer hash, KEYS[2] writer list; ARGV[1] article id, ARGV[2] +1 or -1, ARGV[3] position,
-- ARGV[4] 'snapshot' or 'stream', ARGV[5] list length, ARGV[6] the guard ('owner' or 'article')
counted_list_change(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4] == 'snapshot', tonumber(ARGV[5]),
    ARGV[6])
return 1
