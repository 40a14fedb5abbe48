--[[
  Writes an entry back after a replay that failed (new attempts, error class, replay count),
  moves it between error-class indexes, and sets or clears its next redrive time; releases the
  lease. Does nothing unless this token holds the lease (it ran out, or another replay took it:
  what that one wrote stays).

  Input:
    KEYS[1] lease          KEYS[2] entry         KEYS[3] meta          KEYS[4] counts
    KEYS[5] old class index                      KEYS[6] new class index
    KEYS[7] all            KEYS[8] due

    ARGV[1] lease token    ARGV[2] id            ARGV[3] entry JSON
    ARGV[4] the meta the caller read ('' for none)                     ARGV[5] the new meta
    ARGV[6] old class      ARGV[7] new class
    ARGV[8] next redrive time (ms), 0 to clear it, -1 to leave it

  Output:
    'ok' | 'lost' (not held by this token) | 'missing' | 'changed' (meta changed: read again)
]]
local id = ARGV[2]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'lost' end
local meta = redis.call('HGET', KEYS[3], id)
if (meta or '') ~= ARGV[4] then return 'changed' end
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 0 then return 'missing' end
redis.call('SET', KEYS[2], ARGV[3])
if meta and ARGV[6] ~= ARGV[7] then
  local score = redis.call('ZSCORE', KEYS[7], id)
  redis.call('ZREM', KEYS[5], id)
  if score then redis.call('ZADD', KEYS[6], score, id) end
  -- Add before taking away: a key emptied mid-script must not be written again (a migrating slot
  -- would refuse it half-way).
  redis.call('HINCRBY', KEYS[4], 'class:' .. ARGV[7], 1)
  if redis.call('HINCRBY', KEYS[4], 'class:' .. ARGV[6], -1) <= 0 then
    redis.call('HDEL', KEYS[4], 'class:' .. ARGV[6])
  end
  redis.call('HSET', KEYS[3], id, ARGV[5])
end
local due = tonumber(ARGV[8])
if due > 0 then
  redis.call('ZADD', KEYS[8], due, id)
elseif due == 0 then
  redis.call('ZREM', KEYS[8], id)
end
return 'ok'
