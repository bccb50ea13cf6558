-- Sets whether a comment or like is a member of its article's set, then refreshes the count in the model.
-- A model that does not exist is not created: a count alone is not an article.
-- KEYS[1] member set, KEYS[2] model hash; ARGV[1] '1' present / '0' absent, ARGV[2] member id, ARGV[3] count field
if ARGV[1] == '1' then
    redis.call('SADD', KEYS[1], ARGV[2])
else
    redis.call('SREM', KEYS[1], ARGV[2])
end
if redis.call('EXISTS', KEYS[2]) == 1 then
    redis.call('HSET', KEYS[2], ARGV[3], redis.call('SCARD', KEYS[1]))
end
return 1
