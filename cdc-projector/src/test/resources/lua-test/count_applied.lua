-- Counts one more application of a change: no position guard, so a change applied twice counts twice.
-- KEYS[1] the counter hash; ARGV[1] the field (an article id)
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return 1
