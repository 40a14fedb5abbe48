--[[
  Releases a named lease if this token holds it.

  Input:
    KEYS[1] lease
    ARGV[1] token

  Output:
    1 released, 0 not held by this token
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
