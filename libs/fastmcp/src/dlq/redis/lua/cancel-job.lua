--[[
  Cancels a bulk replay job if it is running. Only its state and updatedAt change: the counts
  stay those stored, so a progress save that landed after the caller's read is kept. A finished
  (or already cancelled) job is left as it is. A cancelled job drops its snapshot of ids.

  Input:
    KEYS[1] job            KEYS[2] job snapshot (list of ids)
    ARGV[1] updatedAt (ISO time)

  Output:
    the job's JSON as stored after, or false when there is no job
]]
local current = redis.call('GET', KEYS[1])
if not current then return false end
local ok, job = pcall(cjson.decode, current)
if not ok or type(job) ~= 'table' or job.state ~= 'running' then return current end
job.state = 'cancelled'
job.updatedAt = ARGV[1]
local next = cjson.encode(job)
redis.call('SET', KEYS[1], next, 'KEEPTTL')
redis.call('DEL', KEYS[2])
return next
