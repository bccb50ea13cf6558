-- Applies one catalog or product row to the catalog display model, walking parent links inside Redis so the
-- whole change is atomic. Order-independent: a node may be created by a product or a child before its own row.
-- KEYS[1] catalog key prefix, KEYS[2] product key prefix, KEYS[3] roots zset
-- ARGV catalog: "catalog", id, linked ("1" row exists, "0" deleted), parent ("" = root), name, order
-- ARGV product:  "product", id, present ("1"/"0" deleted), catalog, status, order, name, price, updatedAt
-- Returns "ok", or "cycle"/"too_deep" when the change was refused and nothing was written.
local CATALOG, PRODUCT, ROOTS = KEYS[1], KEYS[2], KEYS[3]
-- the model never holds a cycle (links that would close one are refused), so this only guards against a bug
local MAX_WALK = 256
local CHUNK = 500

local function node(id) return CATALOG .. id end
local function pad(id) return string.rep('0', 20 - #id) .. id end
local function children(parent) if parent == '' then return ROOTS end return node(parent) .. ':children' end

-- the catalog and every catalog it hangs under, nearest first; nil if the walk does not end
local function path(id)
  local ids = {}
  local current = id
  while current do
    if #ids >= MAX_WALK then return nil end
    ids[#ids + 1] = current
    local f = redis.call('HMGET', node(current), 'linked', 'parent')
    if f[1] == '1' and f[2] and f[2] ~= '' then current = f[2] else current = nil end
  end
  return ids
end

-- add (sign 1) or remove (sign -1) products, given as {score, member, score, member...}, on every node of ids
local function spread(ids, scored, sign)
  local count = #scored / 2
  if count == 0 then return end
  for _, id in ipairs(ids) do
    local key = node(id) .. ':products'
    for i = 1, #scored, 2 * CHUNK do
      local last = math.min(i + 2 * CHUNK - 1, #scored)
      if sign > 0 then
        redis.call('ZADD', key, unpack(scored, i, last))
      else
        local members = {}
        for j = i + 1, last, 2 do members[#members + 1] = scored[j] end
        redis.call('ZREM', key, unpack(members))
      end
    end
    redis.call('HINCRBY', node(id), 'sellable', sign * count)
  end
end

-- a node without its row, products or children only existed for them: drop it
local function collect(id)
  local f = redis.call('HMGET', node(id), 'linked', 'sellable')
  if f[1] ~= '1' and (tonumber(f[2]) or 0) == 0 and redis.call('EXISTS', node(id) .. ':children') == 0 then
    redis.call('DEL', node(id))
  end
end

local function subtree(id)
  local flat = redis.call('ZRANGE', node(id) .. ':products', 0, -1, 'WITHSCORES')
  local scored = {}
  for i = 1, #flat, 2 do
    scored[#scored + 1] = flat[i + 1]
    scored[#scored + 1] = flat[i]
  end
  return scored
end

local function put_catalog(id, linked, parent, name, order)
  local k = node(id)
  local old = redis.call('HMGET', k, 'linked', 'parent', 'order')
  local above = {}
  if linked == '1' and parent ~= '' then
    above = path(parent)
    if not above then return 'too_deep' end
    for _, ancestor in ipairs(above) do
      if ancestor == id then return 'cycle' end
    end
  end
  local was_linked = old[1] == '1'
  local moved = was_linked ~= (linked == '1') or (was_linked and old[2] ~= parent)
  if moved then
    local scored = subtree(id)
    if was_linked then
      redis.call('ZREM', children(old[2]), pad(id))
      if old[2] ~= '' then
        spread(path(old[2]), scored, -1)
        collect(old[2])
      end
    end
    if linked == '1' then
      redis.call('ZADD', children(parent), order, pad(id))
      spread(above, scored, 1)
    end
  elseif linked == '1' and old[3] ~= order then
    redis.call('ZADD', children(parent), order, pad(id))
  end
  if linked == '1' then
    redis.call('HSET', k, 'linked', '1', 'parent', parent, 'name', name, 'order', order)
  else
    redis.call('HSET', k, 'linked', '0')
    redis.call('HDEL', k, 'parent', 'name', 'order')
    collect(id)
  end
  return 'ok'
end

local function put_product(id, present, catalog, status, order, name, price, updated)
  local k = PRODUCT .. id
  local old = redis.call('HMGET', k, 'catalog', 'status', 'order')
  local target
  if present == '1' and status == 'ON_SALE' then
    target = path(catalog)
    if not target then return 'too_deep' end
  end
  if old[2] == 'ON_SALE' then
    spread(path(old[1]) or {}, {old[3], pad(id)}, -1)
  end
  if target then
    spread(target, {order, pad(id)}, 1)
  end
  if present == '1' then
    redis.call('HSET', k, 'catalog', catalog, 'status', status, 'order', order, 'name', name, 'price', price,
      'updatedAt', updated)
  else
    redis.call('DEL', k)
  end
  if old[1] and (present ~= '1' or old[1] ~= catalog) then
    collect(old[1])
  end
  return 'ok'
end

if ARGV[1] == 'catalog' then
  return put_catalog(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
end
return put_product(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9])
