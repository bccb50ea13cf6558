-- Reads the displayable catalog tree in one atomic step: from the roots down, in display order, only the
-- catalogs with at least one ON_SALE product in their subtree (a catalog with none hides its whole subtree).
-- ARGV[1] namespace, ARGV[2] 'tree', or 'check' to learn only whether there is a tree to read (query-api
-- keeps the tree it read, and checks this before answering with it)
-- Returns { no generation or building (0/1), id1, depth1, name1, order1, sellable1, id2, ... } in pre-order
-- (depth 0 = root).
local MODELS = active_models(ARGV[1])
if not MODELS then
    return { 1 }
end
if ARGV[2] == 'check' then
    return { 0 }
end
local PREFIX = MODELS .. '{c}catalog:'
-- the projector never links a cycle; the bound only keeps a bug from looping forever
local MAX_DEPTH = 256
local result = { 0 }

local function visit(members, depth)
    if depth >= MAX_DEPTH then return end
    for _, member in ipairs(members) do
        local id = string.match(member, '^0*(.+)$')
        local f = redis.call('HMGET', PREFIX .. id, 'name', 'order', 'sellable')
        if (tonumber(f[3]) or 0) > 0 then
            local n = #result
            result[n + 1] = id
            result[n + 2] = depth
            result[n + 3] = f[1] or ''
            result[n + 4] = f[2] or '0'
            result[n + 5] = f[3]
            visit(redis.call('ZRANGE', PREFIX .. id .. ':children', 0, -1), depth + 1)
        end
    end
end

visit(redis.call('ZRANGE', PREFIX .. 'roots', 0, -1), 0)
return result
