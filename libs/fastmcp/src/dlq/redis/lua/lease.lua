--[[
  Takes a named lease, or renews it when the same token holds it.

  Input:
    KEYS[1] lease
    ARGV[1] token          ARGV[2] life (ms)

  Output:
    1 held by this token now, 0 another token holds it
]]
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
return 1
