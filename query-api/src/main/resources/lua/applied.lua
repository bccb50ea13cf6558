-- What the generation readers use has applied, for read-your-writes: ARGV[1] namespace, ARGV[2] the meta field
-- that holds the applied GTID set, ARGV[3] the meta field that says the generation keeps none. Returns {1} when
-- there is no generation to read or a snapshot is building it (readers use SQL then, which is current), {2} when the
-- generation keeps no applied set (Kafka mode: token reads go to SQL at once), else {0, the GTID set ('' when none
-- yet)}.
local prefix = active_models(ARGV[1])
if not prefix then
    return {1}
end
local meta = redis.call('HMGET', prefix .. 'meta', ARGV[2], ARGV[3])
if meta[2] == ARGV[4] then
    return {2}
end
return {0, meta[1] or ''}
