--[[
  Saves a bulk replay job's state; on its first save, also its place in the job list (its
  snapshot of ids was pushed just before). Job records expire with the entries' retention.
  A cancelled job stays cancelled: a runner's progress save that raced the cancel keeps its
  counts but not its 'running' state. A save never reopens a finished job nor lowers its `done`:
  it is a stale save of an instance whose lease ran out while another ran the job on. A job no
  longer running drops its snapshot: nothing reads it again, and a snapshot may hold 100,000 ids.

  Input:
    KEYS[1] job            KEYS[2] job snapshot (list of ids)     KEYS[3] jobs (by creation)
    ARGV[1] job id         ARGV[2] state JSON     ARGV[3] creation time (ms)
    ARGV[4] life (ms)      ARGV[5] 1 on the first save

  Output:
    1 saved, 0 refused as stale
]]
local state = ARGV[2]
local decoded, next = pcall(cjson.decode, state)
if not decoded or type(next) ~= 'table' then next = {} end
local current = redis.call('GET', KEYS[1])
if current then
  local ok, saved = pcall(cjson.decode, current)
  if ok and type(saved) == 'table' then
    if saved.state == 'done' and next.state ~= 'done' then return 0 end
    local savedDone, nextDone = tonumber(saved.done), tonumber(next.done)
    if savedDone and nextDone and nextDone < savedDone then return 0 end
    if saved.state == 'cancelled' and next.state ~= 'cancelled' then
      next.state = 'cancelled'
      state = cjson.encode(next)
    end
  end
end
redis.call('SET', KEYS[1], state, 'PX', tonumber(ARGV[4]))
if ARGV[5] == '1' then
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
  -- The list keeps the latest 1000 jobs; older records expire on their own.
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -1001)
end
if next.state ~= 'running' then
  redis.call('DEL', KEYS[2])
elseif redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]))
end
return 1
