-- Library: the keys of the generation readers use. Every query script finds its keys through this function,
-- inside the script, so a rebuild's switch of generations can never split a read; it is loaded in front of each.
-- Returns the active generation's model prefix ("{ns}:{gen}:"), or nil when there is no generation yet or a
-- snapshot is building it (readers use SQL meanwhile).
-- In a Redis Cluster the pointer and the meta are in other slots than the keys a script reads, so the reader reads
-- them before the call (and the pointer again after it) and passes "{ns}={prefix}" ("{ns}=" for none) instead of
-- the namespace; a namespace has no '='.
local function active_models(namespace)
    local given = string.find(namespace, '=', 1, true)
    if given then
        local prefix = string.sub(namespace, given + 1)
        return prefix ~= '' and prefix or nil
    end
    local gen = redis.call('GET', namespace .. ':active')
    if not gen then
        return nil
    end
    local prefix = namespace .. ':' .. gen .. ':'
    if redis.call('HGET', prefix .. 'meta', 'building') == '1' then
        return nil
    end
    return prefix
end

-- The namespace of ARGV[1], in either form.
local function namespace_of(namespace)
    return string.match(namespace, '^[^=]*')
end
