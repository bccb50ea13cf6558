-- What the generation readers use has applied, for read-your-writes: ARGV[1] namespace, ARGV[2] the meta field
-- that holds the applied GTID set. Returns {1} when there is no generation to read or a snapshot is building it
-- (readers use SQL then, which is current), else {0, the GTID set ('' when none yet)}.
local prefix = active_models(ARGV[1])
if not prefix then
    return {1}
end
return {0, redis.call('HGET', prefix .. 'meta', ARGV[2]) or ''}
