--[[
  Removes a batch of entries the caller picked (with their meta), each only if it still
  qualifies: retention (expired), cleanup (created before), the cap (still stored), or healing
  (an index member whose entry is gone). Atomic per batch; no tombstone. An entry under a live
  replay lease is left (except when healing): its replay writes its end, and a later pass
  removes it.

  Input:
    KEYS[1..5] core keys (see includes/entry-keys.lua)
    KEYS[6] the index that was read (healing drops the id from it too; else `all`)
    KEYS[7..] for each entry: its entry key, its lease key and its four index keys
              (deduplicated)

    ARGV[1] base
    ARGV[2] mode: expired | before | evict | dangling
    ARGV[3] bound: now (expired) or creation time, exclusive (before)
    ARGV[4..] pairs of id and the meta the caller read ('' for none)

  Output:
    { removed ids, stale count }   stale: skipped because the meta changed (read again)
]]
--- @include "includes/entry-keys"
local mode, bound = ARGV[2], tonumber(ARGV[3])
local removed, stale = {}, 0
for i = 4, #ARGV - 1, 2 do
  local id, expected = ARGV[i], ARGV[i + 1]
  local meta = redis.call('HGET', KEYS[3], id)
  local keys = ((meta or '') == expected) and entryKeys(id, meta or nil) or nil
  if not keys then
    stale = stale + 1
  else
    local qualifies
    if mode ~= 'dangling' and redis.call('EXISTS', base .. ':lease:' .. id) == 1 then
      qualifies = false
    elseif mode == 'expired' then
      local at = redis.call('ZSCORE', KEYS[2], id)
      qualifies = at and tonumber(at) <= bound
    elseif mode == 'before' then
      local at = redis.call('ZSCORE', KEYS[1], id)
      qualifies = at and tonumber(at) < bound
    elseif mode == 'evict' then
      qualifies = redis.call('ZSCORE', KEYS[1], id) ~= false
    else
      qualifies = redis.call('EXISTS', keys.entry) == 0
      if qualifies then redis.call('ZREM', KEYS[6], id) end
    end
    if qualifies then
      removeEntry(id, meta or nil, keys)
      removed[#removed + 1] = id
    end
  end
end
return { removed, stale }
