import type { Redis } from 'ioredis';
import {
  classCountField,
  clientCountField,
  decodeMeta,
  RedisDlqKeys,
} from '../../../libs/fastmcp/src/dlq/redis/redis-dlq.keys.js';
import type { FailedOperation } from '../../../libs/fastmcp/src/dlq/core/failed-operation.interface.js';

/** Every key of a prefix on one node (our own test server; never a pattern in library code). */
export async function keysOf(node: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await node.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

/**
 * Everything wrong between a store's entries and its indexes, read from the node that holds the
 * prefix's slot: index members without an entry, entries missing from an index they belong in,
 * and counts that differ from the entries. Empty when they agree. Also returns the entry ids.
 */
export async function checkIntegrity(
  node: Redis,
  prefix: string,
): Promise<{ problems: string[]; ids: string[] }> {
  const keys = new RedisDlqKeys(prefix);
  const all = await keysOf(node, prefix);
  const entryPrefix = keys.entry('');
  const entries = new Map<string, FailedOperation>();
  for (const key of all.filter((k) => k.startsWith(entryPrefix))) {
    entries.set(
      key.slice(entryPrefix.length),
      JSON.parse((await node.get(key))!) as FailedOperation,
    );
  }
  const problems: string[] = [];
  const members = new Map<string, Set<string>>();
  for (const key of all) {
    const type = await node.type(key);
    if (type !== 'zset' || key === keys.due || key === keys.jobs) continue;
    const ids = await node.zrange(key, 0, -1);
    members.set(key, new Set(ids));
    for (const id of ids) if (!entries.has(id)) problems.push(`${key} has ${id} without entry`);
  }
  const meta = await node.hgetall(keys.meta);
  for (const id of Object.keys(meta)) if (!entries.has(id)) problems.push(`meta has ${id}`);
  // What the counts hash should hold: entries by client id and by error class.
  const counts = new Map<string, number>();
  const count = (field: string): void => {
    counts.set(field, (counts.get(field) ?? 0) + 1);
  };
  for (const [id, entry] of entries) {
    const decoded = meta[id] === undefined ? null : decodeMeta(meta[id]);
    if (!decoded) problems.push(`${id} has no meta`);
    const want = [
      keys.all,
      keys.expiry,
      keys.byOperation(entry.operation),
      keys.byClient(entry.clientId),
      keys.byErrorClass(entry.errorClass),
      keys.byPriority(entry.priority),
    ];
    for (const index of want) {
      if (!members.get(index)?.has(id)) problems.push(`${id} missing from ${index}`);
    }
    count(clientCountField(entry.clientId));
    count(classCountField(entry.errorClass));
  }
  const stored = await node.hgetall(keys.counts);
  for (const field of new Set([...Object.keys(stored), ...counts.keys()])) {
    const real = counts.get(field) ?? 0;
    if (Number(stored[field] ?? 0) !== real) {
      problems.push(`${keys.counts} ${field}: ${stored[field] ?? 0} != ${real}`);
    }
  }
  return { problems, ids: [...entries.keys()].sort() };
}
