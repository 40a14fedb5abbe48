--[[
  Stores a new entry with its index memberships and counts, unless its id is known (stored,
  or deleted/replayed lately: a tombstone), or (dedup) an entry of the same failure is recent.
  Only adds: retention and the cap run after it, in removeEntries.lua.

  Input:
    KEYS[1] all            KEYS[2] exp           KEYS[3] meta          KEYS[4] due
    KEYS[5] stat:op        KEYS[6] stat:client   KEYS[7] stat:class    KEYS[8] stat:prio
    KEYS[9] entry          KEYS[10] tombstone    KEYS[11] dedup key
    KEYS[12] op index      KEYS[13] client index KEYS[14] class index  KEYS[15] priority index

    ARGV[1] id             ARGV[2] entry JSON    ARGV[3] creation time (ms, the id's)
    ARGV[4] expiry (ms)    ARGV[5] operation     ARGV[6] client id
    ARGV[7] error class    ARGV[8] priority      ARGV[9] now (ms)
    ARGV[10] due time of the first redrive (ms), 0 for none
    ARGV[11] dedup window (ms), 0 for none
    ARGV[12] 1 to store even when the dedup key names another entry (that entry is gone)

  Output:
    { 1, total, expiredDue }   stored; how many entries there are, how many are past expiry
    { 0, total, expiredDue }   the id is known: nothing changed
    { 2, otherId }             a recent entry of the same failure: the caller bumps it
]]
local id = ARGV[1]
local window = tonumber(ARGV[11])
if window > 0 and ARGV[12] ~= '1' then
  local other = redis.call('GET', KEYS[11])
  if other and other ~= id then return { 2, other } end
end
-- One EXISTS for the entry and its tombstone (the meta field exists only with the entry).
if redis.call('EXISTS', KEYS[9], KEYS[10]) > 0 then
  return { 0, redis.call('ZCARD', KEYS[1]), redis.call('ZCOUNT', KEYS[2], '-inf', ARGV[9]) }
end
local score = ARGV[3]
local op, client, class, prio = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
redis.call('SET', KEYS[9], ARGV[2])
redis.call('ZADD', KEYS[1], score, id)
redis.call('ZADD', KEYS[2], ARGV[4], id)
redis.call('HSET', KEYS[3], id, op .. '\n' .. client .. '\n' .. class .. '\n' .. prio)
redis.call('ZADD', KEYS[12], score, id)
redis.call('ZADD', KEYS[13], score, id)
redis.call('ZADD', KEYS[14], score, id)
redis.call('ZADD', KEYS[15], score, id)
redis.call('ZINCRBY', KEYS[5], 1, op)
redis.call('ZINCRBY', KEYS[6], 1, client)
redis.call('ZINCRBY', KEYS[7], 1, class)
redis.call('ZINCRBY', KEYS[8], 1, prio)
if tonumber(ARGV[10]) > 0 then redis.call('ZADD', KEYS[4], ARGV[10], id) end
if window > 0 then redis.call('SET', KEYS[11], id, 'PX', window) end
return { 1, redis.call('ZCARD', KEYS[1]), redis.call('ZCOUNT', KEYS[2], '-inf', ARGV[9]) }
