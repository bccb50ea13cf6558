-- Reads a page of the ON_SALE products of a catalog's whole subtree, in display order, in one atomic step.
-- ARGV[1] namespace, ARGV[2] catalog id, ARGV[3] first rank, ARGV[4] last rank
-- Returns { 1 } without a generation or while building, { 0, -1 } when the catalog is not displayed (unknown, nothing on sale, or not
-- hanging under a root), else { 0, total, id1, fields1 (flat field/value list), id2, fields2, ... }.
local MODELS = active_models(ARGV[1])
if not MODELS then
    return { 1 }
end
local CATALOG, PRODUCT = MODELS .. '{c}catalog:', MODELS .. '{c}product:'
local ID, FIRST, LAST = ARGV[2], ARGV[3], ARGV[4]
local node = redis.call('HMGET', CATALOG .. ID, 'sellable')
if (tonumber(node[1]) or 0) <= 0 then
    return { 0, -1 }
end
-- displayed only if every catalog up to a root exists (a deleted ancestor hides the subtree)
local current = ID
for _ = 1, 256 do
    local f = redis.call('HMGET', CATALOG .. current, 'linked', 'parent')
    if f[1] ~= '1' then
        return { 0, -1 }
    end
    if f[2] == '' then
        local key = CATALOG .. ID .. ':products'
        local result = { 0, redis.call('ZCARD', key) }
        for _, member in ipairs(redis.call('ZRANGE', key, FIRST, LAST)) do
            local id = string.match(member, '^0*(.+)$')
            result[#result + 1] = id
            result[#result + 1] = redis.call('HGETALL', PRODUCT .. id)
        end
        return result
    end
    current = f[2]
end
return { 0, -1 }
