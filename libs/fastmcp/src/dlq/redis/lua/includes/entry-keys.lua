--[[
  Shared by the scripts that remove entries. Every key a script touches is in KEYS (the caller
  computes the names from the entry's meta); this only rebuilds a name to check that it was
  declared, and skips an entry whose keys were not (the caller's view was stale: it reads again).

  Core KEYS, in this order, in every script that includes this file:
    KEYS[1] all          sorted set of ids by creation time
    KEYS[2] exp          sorted set of ids by expiry time
    KEYS[3] meta         hash id -> "operation\nclientId\nerrorClass\npriority"
    KEYS[4] due          sorted set of ids by next redrive time
    KEYS[5] counts       hash "client:<id>" / "class:<name>" -> entries (operation and priority
                         counts are the sizes of their indexes)
  ARGV[1] is the key base `{prefix}`.
]]
local base = ARGV[1]
local declared = {}
for _, name in ipairs(KEYS) do declared[name] = true end

local function parseMeta(meta)
  return string.match(meta, '^([^\n]*)\n([^\n]*)\n([^\n]*)\n([^\n]*)$')
end

-- The keys of one entry, or nil when one of them is not declared (or the meta is malformed).
local function entryKeys(id, meta)
  local keys = { entry = base .. ':e:' .. id }
  if meta then
    local op, client, class, prio = parseMeta(meta)
    if not op then return nil end
    keys.fields = { op, client, class, prio }
    keys.indexes = {
      base .. ':op:' .. op,
      base .. ':client:' .. client,
      base .. ':class:' .. class,
      base .. ':prio:' .. prio,
    }
    for _, name in ipairs(keys.indexes) do
      if not declared[name] then return nil end
    end
  end
  if not declared[keys.entry] then return nil end
  return keys
end

local function decr(field)
  if redis.call('HINCRBY', KEYS[5], field, -1) <= 0 then redis.call('HDEL', KEYS[5], field) end
end

-- Removes an entry with every index membership and count; 1 when there was something to remove.
local function removeEntry(id, meta, keys)
  local existed = redis.call('DEL', keys.entry)
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[4], id)
  if not meta then return existed end
  for _, index in ipairs(keys.indexes) do redis.call('ZREM', index, id) end
  decr('client:' .. keys.fields[2])
  decr('class:' .. keys.fields[3])
  redis.call('HDEL', KEYS[3], id)
  return 1
end
