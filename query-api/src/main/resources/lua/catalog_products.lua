-- Reads a page of the ON_SALE products of a catalog's whole subtree, in display order, in one atomic step.
-- KEYS[1] namespace meta; ARGV[1] catalog key prefix, ARGV[2] product key prefix, ARGV[3] catalog id,
-- ARGV[4] first rank, ARGV[5] last rank
-- Returns { 1 } while building, { 0, -1 } when the catalog is not displayed (unknown, nothing on sale, or not
-- hanging under a root), else { 0, total, id1, fields1 (flat field/value list), id2, fields2, ... }.
if redis.call('HGET', KEYS[1], 'building') == '1' then
    return { 1 }
end
local CATALOG, PRODUCT = ARGV[1], ARGV[2]
local node = redis.call('HMGET', CATALOG .. ARGV[3], 'sellable')
if (tonumber(node[1]) or 0) <= 0 then
    return { 0, -1 }
end
-- displayed only if every catalog up to a root exists (a deleted ancestor hides the subtree)
local current = ARGV[3]
for _ = 1, 256 do
    local f = redis.call('HMGET', CATALOG .. current, 'linked', 'parent')
    if f[1] ~= '1' then
        return { 0, -1 }
    end
    if f[2] == '' then
        local key = CATALOG .. ARGV[3] .. ':products'
        local result = { 0, redis.call('ZCARD', key) }
        for _, member in ipairs(redis.call('ZRANGE', key, ARGV[4], ARGV[5])) do
            local id = string.match(member, '^0*(.+)$')
            result[#result + 1] = id
            result[#result + 1] = redis.call('HGETALL', PRODUCT .. id)
        end
        return result
    end
    current = f[2]
end
return { 0, -1 }
