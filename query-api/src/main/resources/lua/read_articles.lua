-- Reads article models from the active generation and articles' live view counts, in one round trip; a model is
-- empty when there is no generation, it is being built by a snapshot (then SQL answers), or it expired.
-- ARGV[1] namespace, ARGV[2] n, then n article ids whose models are wanted, then the article ids whose view
-- counts are wanted
-- Returns { model 1 (flat field/value list), ..., model n, count 1 (0 when never viewed), count 2, ... }
local n = tonumber(ARGV[2])
local namespace = namespace_of(ARGV[1])
local models = active_models(ARGV[1])
local result = {}
for i = 3, 2 + n do
    result[#result + 1] = models and redis.call('HGETALL', models .. '{a:' .. ARGV[i] .. '}') or {}
end
for i = 3 + n, #ARGV do
    result[#result + 1] = tonumber(redis.call('GET', namespace .. ':view:count:{a:' .. ARGV[i] .. '}') or '0')
end
return result
