-- Library: the keys of the generation readers use. Every query script finds its keys through this function,
-- inside the script, so a rebuild's switch of generations can never split a read; it is loaded in front of each.
-- Returns the active generation's model prefix ("{ns}:{gen}:"), or nil when there is no generation yet or a
-- snapshot is building it (readers use SQL meanwhile).
local function active_models(namespace)
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
