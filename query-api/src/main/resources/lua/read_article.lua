-- Reads one article model from the active generation and the article's live view count, in one round trip;
-- the model is empty when there is no generation or it is being built by a snapshot (then SQL answers).
-- Model keys are found through the active pointer inside the script, so a rebuild's switch of generations
-- can never split a read.
-- ARGV[1] namespace, ARGV[2] article id
-- Returns { view count (0 when never viewed), model (flat field/value list) }
local views = tonumber(redis.call('GET', ARGV[1] .. ':view:count:' .. ARGV[2]) or '0')
local gen = redis.call('GET', ARGV[1] .. ':active')
if not gen then
    return { views, {} }
end
local prefix = ARGV[1] .. ':' .. gen .. ':'
if redis.call('HGET', prefix .. 'meta', 'building') == '1' then
    return { views, {} }
end
return { views, redis.call('HGETALL', prefix .. 'article:' .. ARGV[2]) }
