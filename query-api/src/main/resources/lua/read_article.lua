-- Reads one article model, or nothing while a snapshot rebuilds the namespace (then SQL answers).
-- KEYS[1] model hash, KEYS[2] namespace meta
if redis.call('HGET', KEYS[2], 'building') == '1' then
    return {}
end
return redis.call('HGETALL', KEYS[1])
