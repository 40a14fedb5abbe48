--[[
  Deletes one entry (an operator's delete, or a replay that succeeded), leaves a tombstone so a
  late retry of its first write cannot bring it back. A replay's removal needs its token to hold
  the lease (it ran out, or another replay took it: the entry stays), and releases it.

  Input:
    KEYS[1..5] core keys (see includes/entry-keys.lua)
    KEYS[6] tombstone      KEYS[7] lease
    KEYS[8] entry          KEYS[9..12] op, client, class and priority index (when it has meta)

    ARGV[1] base           ARGV[2] id
    ARGV[3] the meta the caller read ('' for none)
    ARGV[4] tombstone life (ms)
    ARGV[5] the replay's lease token ('' for an operator's delete)

  Output:
    1 removed, 0 nothing to remove, -1 the meta changed since the caller read it (read again),
    -2 the token does not hold the lease
]]
--- @include "includes/entry-keys"
local id, expected = ARGV[2], ARGV[3]
if ARGV[5] ~= '' and redis.call('GET', KEYS[7]) ~= ARGV[5] then return -2 end
local meta = redis.call('HGET', KEYS[3], id)
if (meta or '') ~= expected then return -1 end
local keys = entryKeys(id, meta or nil)
if not keys then return -1 end
local removed = removeEntry(id, meta or nil, keys)
redis.call('SET', KEYS[6], '1', 'PX', tonumber(ARGV[4]))
if ARGV[5] ~= '' then redis.call('DEL', KEYS[7]) end
return removed
