import { beforeEach, describe, expect, it } from 'vitest';
import { DlqIdGenerator } from '../core/dlq-id.js';
import type { FailedOperation } from '../core/failed-operation.interface.js';
import { InMemoryDlqState } from './in-memory-dlq.state.js';

const T0 = Date.UTC(2026, 11, 1);
/** A generator's ids never go back in time: each test has its own. */
let ids = new DlqIdGenerator();

function entry(at: number, fields: Partial<FailedOperation> = {}): FailedOperation {
  return {
    id: ids.next(at),
    operation: 'call_tool',
    clientId: 'github',
    serverUrl: 'http://127.0.0.1:8000/mcp',
    toolName: 'search',
    request: { method: 'tools/call', headers: {} },
    error: 'HTTP 503',
    errorClass: 'http_503',
    attempts: [],
    retryCount: 3,
    firstAttemptAt: new Date(at).toISOString(),
    failedAt: new Date(at).toISOString(),
    expiresAt: new Date(at + 3600_000).toISOString(),
    replayCount: 0,
    status: 'dead',
    priority: 'normal',
    ...fields,
  };
}

describe('InMemoryDlqState', () => {
  beforeEach(() => {
    ids = new DlqIdGenerator();
  });

  it('keeps its counts right as entries are added, replaced and removed', () => {
    const state = new InMemoryDlqState();
    const a = entry(T0, { clientId: 'a', priority: 'high' });
    const b = entry(T0 + 1, { clientId: 'b', operation: 'connect' });
    const c = entry(T0 + 2, { clientId: 'a', errorClass: 'timeout' });
    for (const e of [a, b, c]) expect(state.put(e)).toBe(true);
    expect(state.put(a)).toBe(false);

    // A replay that failed otherwise rewrites the entry: its class moves.
    expect(state.put({ ...b, errorClass: 'timeout' }, true)).toBe(true);
    let stats = state.stats(T0 + 10_000);
    expect(stats).toMatchObject({
      total: 3,
      byOperation: { call_tool: 2, connect: 1 },
      byClientId: { a: 2, b: 1 },
      byErrorClass: { timeout: 2, http_503: 1 },
      byPriority: { high: 1, normal: 2 },
      clientIdCount: 2,
      errorClassCount: 2,
      oldestAgeSeconds: 10,
      newestAt: new Date(T0 + 2).toISOString(),
    });

    expect(state.remove(a.id)).toBe(true);
    expect(state.remove(a.id)).toBe(false);
    expect(
      state.removeOldest(
        10,
        () => true,
        () => false,
      ),
    ).toEqual([b.id, c.id]);
    stats = state.stats(T0);
    expect(stats).toMatchObject({
      total: 0,
      byOperation: {},
      byClientId: {},
      byErrorClass: {},
      byPriority: {},
      clientIdCount: 0,
      oldestAgeSeconds: null,
    });
  });

  it('pages an index newest first, after a cursor, down to a time', () => {
    const state = new InMemoryDlqState();
    const entries = Array.from({ length: 10 }, (_, i) =>
      entry(T0 + i * 1000, { priority: i % 3 === 0 ? 'high' : 'normal' }),
    );
    for (const e of entries) state.put(e);
    const high = { by: 'priority', value: 'high' } as const;
    const id = (i: number) => entries[i].id;

    expect(state.page(high, undefined, 10, -Infinity)).toEqual([id(9), id(6), id(3), id(0)]);
    expect(state.page(high, undefined, 2, -Infinity)).toEqual([id(9), id(6)]);
    const cursor = { id: id(6), ms: T0 + 6000 } as never;
    expect(state.page(high, cursor, 10, -Infinity)).toEqual([id(3), id(0)]);
    expect(state.page({ by: 'all' }, undefined, 3, T0 + 8000)).toEqual([id(9), id(8)]);
  });

  it('counts an index by time bucket', () => {
    const state = new InMemoryDlqState();
    for (let i = 0; i < 6; i++) state.put(entry(T0 + i * 1000, { clientId: i < 2 ? 'a' : 'b' }));
    expect(state.countByTime({ by: 'all' }, T0 + 1000, 2000, 3)).toEqual([2, 2, 1]);
    expect(state.countByTime({ by: 'clientId', value: 'a' }, T0, 1000, 3)).toEqual([1, 1, 0]);
  });
});
