--[[
  Extends a lease while this token holds it; never takes one that ran out (another replay may
  have begun and ended since).

  Input:
    KEYS[1] lease
    ARGV[1] token          ARGV[2] life (ms)

  Output:
    1 extended, 0 not held by this token
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
