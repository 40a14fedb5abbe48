--[[
  Takes the replay lease of an entry and marks it `replaying`, if the entry is still the one the
  caller read (compare-and-set on its JSON). An entry read `replaying` with no live lease was
  left by a replay that may have run: the caller marks it `deliveryUnknown` in ARGV[4], and it
  leaves the due-time index here.

  Input:
    KEYS[1] entry          KEYS[2] lease          KEYS[3] due
    ARGV[1] lease token    ARGV[2] lease life (ms)
    ARGV[3] the JSON the caller read
    ARGV[4] the same entry with status `replaying`
    ARGV[5] the id to drop from the due-time index ('' to leave it)

  Output:
    'ok' | 'missing' | 'conflict' (another lease is live) | 'changed' (read again)
]]
local current = redis.call('GET', KEYS[1])
if not current then return 'missing' end
if redis.call('EXISTS', KEYS[2]) == 1 then return 'conflict' end
if current ~= ARGV[3] then return 'changed' end
redis.call('SET', KEYS[2], ARGV[1], 'PX', tonumber(ARGV[2]), 'NX')
redis.call('SET', KEYS[1], ARGV[4])
if ARGV[5] ~= '' then redis.call('ZREM', KEYS[3], ARGV[5]) end
return 'ok'
