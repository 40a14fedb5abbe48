--[[
  Stores a new entry with its index memberships and counts, unless its id is known (stored,
  or deleted/replayed lately: a tombstone), or (dedup) an entry of the same failure is recent.
  Only adds: retention and the cap run after it, in remove-many.lua.

  Input:
    KEYS[1] all            KEYS[2] exp           KEYS[3] meta          KEYS[4] due
    KEYS[5] counts         KEYS[6] entry         KEYS[7] tombstone
    KEYS[8] op index       KEYS[9] client index  KEYS[10] class index  KEYS[11] priority index
    KEYS[12] dedup key (only with a dedup window)

    ARGV[1] id             ARGV[2] entry JSON    ARGV[3] creation time (ms, the id's)
    ARGV[4] expiry (ms)    ARGV[5] meta ("operation\nclientId\nerrorClass\npriority")
    ARGV[6] client count field                   ARGV[7] class count field
    ARGV[8] now (ms)
    ARGV[9] due time of the first redrive (ms), 0 for none
    ARGV[10] dedup window (ms), 0 for none
    ARGV[11] 1 to store even when the dedup key names another entry (that entry is gone)

  Output:
    { 1, total, expiredDue }   stored; how many entries there are, how many are past expiry
    { 0, total, expiredDue }   the id is known: nothing changed
    { 2, otherId }             a recent entry of the same failure: the caller bumps it
]]
local id = ARGV[1]
local window = tonumber(ARGV[10])
local claimsDedup = window > 0 and ARGV[11] ~= '1'
if claimsDedup then
  -- One call: the key becomes this entry's unless a recent entry of the same failure holds it.
  -- (A known id keeps the claim: it names that id, or an entry since gone, which the caller
  -- detects and stores past.)
  local other = redis.call('SET', KEYS[12], id, 'NX', 'PX', window, 'GET')
  if other and other ~= id then return { 2, other } end
end
-- One EXISTS for the entry and its tombstone (the meta field exists only with the entry).
if redis.call('EXISTS', KEYS[6], KEYS[7]) > 0 then
  return { 0, redis.call('ZCARD', KEYS[1]), redis.call('ZCOUNT', KEYS[2], '-inf', ARGV[8]) }
end
local score = ARGV[3]
redis.call('SET', KEYS[6], ARGV[2])
redis.call('ZADD', KEYS[1], score, id)
redis.call('ZADD', KEYS[2], ARGV[4], id)
redis.call('HSET', KEYS[3], id, ARGV[5])
redis.call('ZADD', KEYS[8], score, id)
redis.call('ZADD', KEYS[9], score, id)
redis.call('ZADD', KEYS[10], score, id)
redis.call('ZADD', KEYS[11], score, id)
redis.call('HINCRBY', KEYS[5], ARGV[6], 1)
redis.call('HINCRBY', KEYS[5], ARGV[7], 1)
if tonumber(ARGV[9]) > 0 then redis.call('ZADD', KEYS[4], ARGV[9], id) end
if window > 0 and not claimsDedup then redis.call('SET', KEYS[12], id, 'PX', window) end
return { 1, redis.call('ZCARD', KEYS[1]), redis.call('ZCOUNT', KEYS[2], '-inf', ARGV[8]) }
