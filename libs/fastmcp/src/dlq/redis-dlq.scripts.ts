import { OPERATION_NAMES } from '../events/operation-name.js';
import { LuaScript } from './lua-script.js';

/** How long a deleted or replayed id stays refused by `store`, in ms. */
const TOMBSTONE_MS = 60 * 60 * 1000;

/*
 * Every mutation of the Redis store is one of these scripts, so it is atomic. ARGV[1] is always
 * the key base `{prefix}`; KEYS[1] is a key of the same slot (declared for cluster routing).
 * `remove(id)` drops an entry with every index membership and count, so nothing dangles.
 */
const PRELUDE = `
local base = ARGV[1]
local OPS = {${OPERATION_NAMES.map((op) => `'${op}'`).join(', ')}}
local function decr(key, member)
  if tonumber(redis.call('ZINCRBY', key, -1, member)) <= 0 then redis.call('ZREM', key, member) end
end
local function remove(id)
  local meta = redis.call('HGET', base .. ':meta', id)
  local existed = redis.call('DEL', base .. ':e:' .. id)
  redis.call('ZREM', base .. ':all', id)
  redis.call('ZREM', base .. ':exp', id)
  if meta then
    local op, client, class = string.match(meta, '^([^\\n]*)\\n([^\\n]*)\\n(.*)$')
    redis.call('ZREM', base .. ':op:' .. op, id)
    redis.call('ZREM', base .. ':client:' .. client, id)
    redis.call('ZREM', base .. ':class:' .. class, id)
    decr(base .. ':stat:op', op)
    decr(base .. ':stat:client', client)
    decr(base .. ':stat:class', class)
    redis.call('HDEL', base .. ':meta', id)
    return 1
  end
  for _, op in ipairs(OPS) do redis.call('ZREM', base .. ':op:' .. op, id) end
  return existed
end
-- A tombstone keeps a late retry of a write that had in fact succeeded (a timeout after the
-- write) from bringing back an entry that was deleted or replayed in the meantime.
local function bury(id)
  redis.call('SET', base .. ':gone:' .. id, '1', 'PX', ${TOMBSTONE_MS})
end
local function sweep(now, batch)
  local ids = redis.call('ZRANGEBYSCORE', base .. ':exp', '-inf', now, 'LIMIT', 0, batch)
  for _, id in ipairs(ids) do remove(id) end
  return ids
end
`;

/** ARGV: base, id, json, score, expiresAt, op, clientId, errorClass, now, batch, maxEntries. */
export const STORE_SCRIPT = new LuaScript(`${PRELUDE}
local id, json, score, expires = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local op, client, class = ARGV[6], ARGV[7], ARGV[8]
local batch, max = tonumber(ARGV[10]), tonumber(ARGV[11])
local expired = sweep(ARGV[9], batch)
local evicted = {}
if redis.call('EXISTS', base .. ':e:' .. id) == 1 or redis.call('HEXISTS', base .. ':meta', id) == 1
  or redis.call('EXISTS', base .. ':gone:' .. id) == 1 then
  return {0, expired, evicted}
end
redis.call('SET', base .. ':e:' .. id, json)
redis.call('ZADD', base .. ':all', score, id)
redis.call('ZADD', base .. ':exp', expires, id)
redis.call('ZADD', base .. ':op:' .. op, score, id)
redis.call('ZADD', base .. ':client:' .. client, score, id)
redis.call('ZADD', base .. ':class:' .. class, score, id)
redis.call('HSET', base .. ':meta', id, op .. '\\n' .. client .. '\\n' .. class)
redis.call('ZINCRBY', base .. ':stat:op', 1, op)
redis.call('ZINCRBY', base .. ':stat:client', 1, client)
redis.call('ZINCRBY', base .. ':stat:class', 1, class)
local excess = redis.call('ZCARD', base .. ':all') - max
if excess > 0 then
  evicted = redis.call('ZRANGE', base .. ':all', 0, math.min(excess, batch) - 1)
  for _, old in ipairs(evicted) do remove(old) end
end
return {1, expired, evicted}
`);

/** ARGV: base, id. Returns 1 when an entry was removed. */
export const DELETE_SCRIPT = new LuaScript(`${PRELUDE}
local removed = remove(ARGV[2])
if removed == 1 then bury(ARGV[2]) end
return removed
`);

/** ARGV: base, now, batch. Returns the ids removed because they expired. */
export const SWEEP_SCRIPT = new LuaScript(`${PRELUDE}
return sweep(ARGV[2], tonumber(ARGV[3]))
`);

/** ARGV: base, created-before score (exclusive), batch. Returns how many were removed. */
export const CLEANUP_SCRIPT = new LuaScript(`${PRELUDE}
local ids = redis.call('ZRANGEBYSCORE', base .. ':all', '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do remove(id) end
return #ids
`);

/** KEYS[1]: the index that was read. ARGV: base, ids... Drops ids whose entry is gone. */
export const HEAL_SCRIPT = new LuaScript(`${PRELUDE}
local healed = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('EXISTS', base .. ':e:' .. id) == 0 then
    remove(id)
    redis.call('ZREM', KEYS[1], id)
    healed = healed + 1
  end
end
return healed
`);

/** ARGV: base, id, token, leaseMs, expectedJson, replayingJson. ok | missing | conflict | changed. */
export const BEGIN_REPLAY_SCRIPT = new LuaScript(`${PRELUDE}
local id = ARGV[2]
local current = redis.call('GET', base .. ':e:' .. id)
if not current then return 'missing' end
if redis.call('EXISTS', base .. ':lease:' .. id) == 1 then return 'conflict' end
if current ~= ARGV[5] then return 'changed' end
redis.call('SET', base .. ':lease:' .. id, ARGV[3], 'PX', tonumber(ARGV[4]), 'NX')
redis.call('SET', base .. ':e:' .. id, ARGV[6])
return 'ok'
`);

/** ARGV: base, id, token. Removes the entry, releases the lease if still ours. */
export const FINISH_SUCCESS_SCRIPT = new LuaScript(`${PRELUDE}
local id = ARGV[2]
remove(id)
bury(id)
if redis.call('GET', base .. ':lease:' .. id) == ARGV[3] then redis.call('DEL', base .. ':lease:' .. id) end
return 'ok'
`);

/** ARGV: base, id, token, json, errorClass. Writes the entry back unless another replay holds it. */
export const FINISH_FAILURE_SCRIPT = new LuaScript(`${PRELUDE}
local id, token, json, class = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local lease = redis.call('GET', base .. ':lease:' .. id)
if lease and lease ~= token then return 'taken' end
if lease then redis.call('DEL', base .. ':lease:' .. id) end
if redis.call('EXISTS', base .. ':e:' .. id) == 0 then return 'missing' end
redis.call('SET', base .. ':e:' .. id, json)
local meta = redis.call('HGET', base .. ':meta', id)
if meta then
  local op, client, old = string.match(meta, '^([^\\n]*)\\n([^\\n]*)\\n(.*)$')
  if old ~= class then
    local score = redis.call('ZSCORE', base .. ':all', id)
    redis.call('ZREM', base .. ':class:' .. old, id)
    if score then redis.call('ZADD', base .. ':class:' .. class, score, id) end
    decr(base .. ':stat:class', old)
    redis.call('ZINCRBY', base .. ':stat:class', 1, class)
    redis.call('HSET', base .. ':meta', id, op .. '\\n' .. client .. '\\n' .. class)
  end
end
return 'ok'
`);
