--[[
  Replaces an entry's JSON if it is still the one the caller read (compare-and-set): dedup
  raising `occurrences`, or a redrive mark. Indexes are untouched (the fields they hold stay).

  Input:
    KEYS[1] entry
    ARGV[1] the JSON the caller read   ARGV[2] the new JSON

  Output:
    'ok' | 'missing' | 'changed' (read again)
]]
local current = redis.call('GET', KEYS[1])
if not current then return 'missing' end
if current ~= ARGV[1] then return 'changed' end
redis.call('SET', KEYS[1], ARGV[2])
return 'ok'
