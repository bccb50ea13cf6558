-- Removes an article's model and takes it off its board's count and list, atomically.
-- KEYS[1] model hash, KEYS[2] board hash, KEYS[3] board list, KEYS[4] missed-change marker;
-- ARGV[1] article id, ARGV[2] position, ARGV[3] the board's guard ('owner' or 'article', lib/counted_list.lua)
remove_model(KEYS[1], KEYS[4], ARGV[2])
counted_list_change(KEYS[2], KEYS[3], ARGV[1], -1, ARGV[2], false, 0, ARGV[3])
return 1
