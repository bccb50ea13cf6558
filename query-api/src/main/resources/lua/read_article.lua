-- Reads one article model from the active generation, or nothing when there is none or it is being built by
-- a snapshot (then SQL answers). Model keys are found through the active pointer inside the script, so a
-- rebuild's switch of generations can never split a read.
-- ARGV[1] namespace, ARGV[2] article id
local gen = redis.call('GET', ARGV[1] .. ':active')
if not gen then
    return {}
end
local prefix = ARGV[1] .. ':' .. gen .. ':'
if redis.call('HGET', prefix .. 'meta', 'building') == '1' then
    return {}
end
return redis.call('HGETALL', prefix .. 'article:' .. ARGV[2])
