-- Counts one view of an article and marks the article as having views not yet backed up.
-- KEYS[1] view counter, KEYS[2] set of articles with unsaved views (absent on a Redis Cluster, where it is in another
-- slot: the caller marks the article itself)
-- ARGV[1] article id, ARGV[2] backup value to start a missing counter from ('' when not read yet)
-- Returns the new count, or nil when the counter is missing and no backup value was given: the caller
-- then reads the MySQL backup and calls again, so after Redis data loss counting resumes from the backup.
if ARGV[2] ~= '' then
    redis.call('SET', KEYS[1], ARGV[2], 'NX')
elseif redis.call('EXISTS', KEYS[1]) == 0 then
    return false
end
local count = redis.call('INCR', KEYS[1])
if KEYS[2] then
    redis.call('SADD', KEYS[2], ARGV[1])
end
return count
