-- Writes article rows into their models and keeps their boards' counts and lists, for one or more rows in order:
-- consecutive streamed rows of a batch share one call, as count changes do (count_change.lua), because each call of
-- a script costs Redis and the projector more than the few commands one row needs.
-- Per row i (from 1): KEYS[6i-5..6i] model hash, board hash, board list, previous board hash, previous board list,
-- missed-change marker.
-- ARGV[1] model TTL seconds, ARGV[2] list length, ARGV[3] the boards' guard ('owner' or 'article',
-- lib/counted_list.lua), then per row: article id, position, 'create' | 'update' | 'snapshot', n, and n field, value
-- pairs.
-- Each row is applied as a call of its own would apply it: the model follows lib/article_model.lua, the board's
-- counted list guards its count likewise. Returns how many rows it took; or, when Redis refused any row (a key
-- holding something else), one result per row: 1 taken, or the error. A refused row is refused alone: the rows
-- after it are still applied.
local ttl, limit, guard = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]

local function put_row(k, a)
    local id, pos, mode, n = ARGV[a], ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3])
    put_model(KEYS[k], KEYS[k + 5], pos, mode, ttl, a + 4, a + 3 + 2 * n)
    if mode ~= 'update' then
        counted_list_change(KEYS[k + 1], KEYS[k + 2], id, 1, pos, mode == 'snapshot', limit, guard)
    elseif KEYS[k + 3] ~= KEYS[k + 1] then
        counted_list_change(KEYS[k + 3], KEYS[k + 4], id, -1, pos, false, limit, guard)
        counted_list_change(KEYS[k + 1], KEYS[k + 2], id, 1, pos, false, limit, guard)
    end
end

local rows = #KEYS / 6
local results = nil
local a = 4
for i = 1, rows do
    local ok, err = pcall(put_row, 6 * i - 5, a)
    a = a + 4 + 2 * tonumber(ARGV[a + 3])
    if not ok and not results then
        -- the first refusal: from here on, answer per row
        results = {}
        for j = 1, rows do
            results[j] = 1
        end
    end
    if not ok then
        -- Redis 7 raises a command's error as a table, 6.2 as text
        results[i] = type(err) == 'table' and err.err or tostring(err)
    end
end
return results or rows
