--[[
  Stores new entries, one after the other, each with its index memberships and counts, unless its
  id is known (stored, or deleted/replayed lately: a tombstone), or (dedup) an entry of the same
  failure is recent. Several entries in one call are the stores that arrived together (a group
  commit); each is decided as if it ran alone, in order. Only adds: retention and the cap run
  after it, in remove-many.lua.

  Input:
    KEYS[1] all            KEYS[2] exp           KEYS[3] meta          KEYS[4] due
    KEYS[5] counts
    then 7 keys per entry, from KEYS[6]:
      entry    tombstone    op index    client index    class index    priority index
      dedup key (the entry key again when the entry has no dedup window)

    10 per entry, from ARGV[1]:
      id    entry JSON    creation time (ms, the id's)    expiry (ms)
      meta ("operation\nclientId\nerrorClass\npriority")
      client count field    class count field
      due time of the first redrive (ms), 0 for none
      dedup window (ms), 0 for none
      1 to store even when the dedup key names another entry (that entry is gone)

  Output:
    { total, code, other, code, other, ... }: how many entries there are once all are in, then
    per entry:
      1, ''        stored
      0, ''        the id is known: nothing changed
      2, otherId   a recent entry of the same failure: the caller bumps it
]]
local KEYS_PER_ENTRY = 7
local ARGS_PER_ENTRY = 10

local function insertOne(k, a)
  local id = ARGV[a + 1]
  local window = tonumber(ARGV[a + 9])
  local dedupKey = KEYS[k + 7]
  local claimsDedup = window > 0 and ARGV[a + 10] ~= '1'
  if claimsDedup then
    -- One call: the key becomes this entry's unless a recent entry of the same failure holds it.
    -- (A known id keeps the claim: it names that id, or an entry since gone, which the caller
    -- detects and stores past.)
    local other = redis.call('SET', dedupKey, id, 'NX', 'PX', window, 'GET')
    if other and other ~= id then return 2, other end
  end
  -- One EXISTS for the entry and its tombstone (the meta field exists only with the entry).
  if redis.call('EXISTS', KEYS[k + 1], KEYS[k + 2]) > 0 then return 0, '' end
  local score = ARGV[a + 3]
  redis.call('SET', KEYS[k + 1], ARGV[a + 2])
  redis.call('ZADD', KEYS[1], score, id)
  redis.call('ZADD', KEYS[2], ARGV[a + 4], id)
  redis.call('HSET', KEYS[3], id, ARGV[a + 5])
  for index = k + 3, k + 6 do redis.call('ZADD', KEYS[index], score, id) end
  redis.call('HINCRBY', KEYS[5], ARGV[a + 6], 1)
  redis.call('HINCRBY', KEYS[5], ARGV[a + 7], 1)
  if tonumber(ARGV[a + 8]) > 0 then redis.call('ZADD', KEYS[4], ARGV[a + 8], id) end
  if window > 0 and not claimsDedup then redis.call('SET', dedupKey, id, 'PX', window) end
  return 1, ''
end

local reply = { 0 }
local entries = (#KEYS - 5) / KEYS_PER_ENTRY
for i = 0, entries - 1 do
  local code, other = insertOne(5 + i * KEYS_PER_ENTRY, i * ARGS_PER_ENTRY)
  reply[#reply + 1] = code
  reply[#reply + 1] = other
end
reply[1] = redis.call('ZCARD', KEYS[1])
return reply
