import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DeadLetterQueueService,
  DlqBulkReplayService,
  type DlqOptions,
  type DlqRedrivenEvent,
  DlqReplayService,
  type FailedOperation,
  isMcpDeliveryUnknownError,
  isReplayConflictError,
} from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/fault-proxy.js';
import { RedisDlqKeys } from '../../libs/fastmcp/src/dlq/redis/redis-dlq.keys.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';

/**
 * Two app instances on one redis-server replay and redrive the dead letters of a counting
 * `pay` tool: whatever happens to a replay, pay runs once unless an operator forces it.
 */
/** A's lease in the tests that let it lapse: renewed every 500 ms, it survives a stall of 1 s. */
const LAPSING_LEASE_MS = 1500;

describe('a dead letter runs once across two instances (real Redis, real MCP server)', () => {
  let redis: RedisServerHandle;
  let server: CountingToolsServer;
  let proxy: FaultProxy;
  let prefixes = 0;
  const apps: ClientTestApp[] = [];
  const clients: Redis[] = [];

  beforeAll(async () => {
    [redis, server] = await Promise.all([startRedisServer(), startCountingToolsServer()]);
    proxy = await startFaultProxy(server.url);
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    clients.splice(0).forEach((client) => client.disconnect());
    proxy.clear();
    server.reset();
  });

  afterAll(async () => {
    await proxy?.close();
    await server?.close();
    await redis?.close();
  });

  /** An instance on the shared store, with no retries. */
  async function instance(
    dlq: DlqOptions,
    redisOptions: DlqOptions['redis'],
    requestTimeoutMs: number,
  ) {
    const app = await startClientApp({
      servers: { shop: { url: proxy.url } },
      retry: { maxRetries: 0, requestTimeoutMs },
      resilience: { circuitBreaker: { consecutiveFailures: 1000 } },
      dlq: { redriveIntervalMs: 100, ...dlq, redis: redisOptions },
    });
    apps.push(app);
    const redriven: DlqRedrivenEvent[] = [];
    app.events.on('dlq.redriven', (event) => redriven.push(event));
    const queue = app.moduleRef.get(DeadLetterQueueService);
    const replays = app.moduleRef.get(DlqReplayService);
    const bulk = app.moduleRef.get(DlqBulkReplayService);
    return { app, queue, replays, bulk, redriven };
  }

  /**
   * Instances A and B on one key prefix; A talks to Redis over a connection the test can cut.
   * Only A's replays take `leaseOfA` (a lease the test lets lapse); B's keep the default (60 s),
   * so no stall of a loaded machine makes B lose one.
   */
  async function twoInstances(
    dlq: DlqOptions,
    { leaseOfA, requestTimeoutMs = 5000 }: { leaseOfA?: number; requestTimeoutMs?: number } = {},
  ) {
    const shared = { ...dlq, keyPrefix: `replay-once:${++prefixes}` };
    const connection = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    connection.on('error', () => undefined);
    clients.push(connection);
    const ofA = leaseOfA === undefined ? shared : { ...shared, replayLeaseMs: leaseOfA };
    const a = await instance(ofA, { client: connection }, requestTimeoutMs);
    const b = await instance(shared, { url: redis.url }, requestTimeoutMs);
    return { a, b, cutA: () => connection.disconnect(), keys: new RedisDlqKeys(shared.keyPrefix) };
  }

  /** A dead letter of `pay` that never ran (the proxy answered 503 in the server's stead). */
  async function deadPay(
    app: ClientTestApp,
    queue: DeadLetterQueueService,
    id: string,
  ): Promise<FailedOperation> {
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503) });
    await expect(app.client.callToolWithRetry('shop', 'pay', { id })).rejects.toThrow();
    const [entry] = (await queue.list()).items;
    expect(entry).toMatchObject({ toolName: 'pay', errorClass: 'http_503' });
    expect(server.executions('pay')).toBe(0);
    return entry;
  }

  it('a replay whose instance dies after the call ran: the other instance never runs it again', async () => {
    const { a, b, cutA } = await twoInstances(
      { redrive: [{ after: 300 }] },
      { leaseOfA: LAPSING_LEASE_MS },
    );
    const entry = await deadPay(a.app, a.queue, 'lost-result');
    server.slowNext('pay', 800);
    const replay = a.replays.replay(entry.id);
    await vi.waitFor(() => expect(server.executions('pay')).toBe(1), { timeout: 5000 });
    // A loses its store while pay runs: the call succeeds, but its end is never written.
    cutA();
    await expect(replay).resolves.toMatchObject({ id: entry.id });

    // Once A's lease has run out, B's redriver (looking every 100 ms) finds the replay abandoned;
    // then a few more of its rounds.
    await vi.waitFor(
      async () => expect(await b.queue.get(entry.id)).toMatchObject({ deliveryUnknown: true }),
      { timeout: 10_000, interval: 100 },
    );
    await sleep(500);
    expect(server.executions('pay')).toBe(1);
    // The abandoned replay counts: it may have run.
    expect(await b.queue.get(entry.id)).toMatchObject({
      status: 'dead',
      deliveryUnknown: true,
      replayCount: 1,
    });
    expect((await b.queue.getStats()).dueForRedrive).toBe(0);
    expect(b.redriven.every((e) => e.result === 'skipped')).toBe(true);

    const refused = await b.replays.replay(entry.id).catch((e: unknown) => e);
    expect(isReplayConflictError(refused)).toBe(true);
    expect(server.executions('pay')).toBe(1);
  });

  it('a forced bulk job taken over by the other instance never runs the entry its replay left', async () => {
    const { a, b, cutA } = await twoInstances({}, { leaseOfA: LAPSING_LEASE_MS });
    const entry = await deadPay(a.app, a.queue, 'bulk-takeover');
    server.slowNext('pay', 800);
    const job = await a.bulk.start({ force: true, concurrency: 1 });
    await vi.waitFor(() => expect(server.executions('pay')).toBe(1), { timeout: 5000 });
    // A loses its store while pay runs: neither the replay's end nor the job's progress is written.
    cutA();
    // B takes the job over once its lease (A's replay lease) ran out, from the recorded progress.
    await vi.waitFor(async () => expect((await b.bulk.get(job.id))?.state).toBe('done'), {
      timeout: 10_000,
      interval: 200,
    });

    expect(server.executions('pay')).toBe(1);
    expect(await b.bulk.get(job.id)).toMatchObject({
      total: 1,
      done: 1,
      succeeded: 0,
      failed: 0,
      skipped: 1,
    });
    expect(await b.queue.get(entry.id)).toMatchObject({ status: 'dead', deliveryUnknown: true });

    // The operator, seeing it deliveryUnknown now, forces it: it runs.
    await expect(b.replays.replay(entry.id, { force: true })).resolves.toMatchObject({
      id: entry.id,
    });
    expect(server.executions('pay')).toBe(2);
  });

  it('a forced bulk job skips an entry replayed since the job started: its force was decided before that run', async () => {
    const { a, b } = await twoInstances({});
    await deadPay(a.app, a.queue, 'first');
    const x = await deadPay(a.app, a.queue, 'x');
    server.slowNext('pay', 800);
    const job = await a.bulk.start({ force: true, concurrency: 1 });
    await vi.waitFor(() => expect(server.executions('pay')).toBe(1), { timeout: 5000 });
    // While the job is on `first`, an operator on B replays x: it runs, and its answer is lost.
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.loseAnswer({ code: 502 }) });
    await expect(b.replays.replay(x.id)).rejects.toThrow();
    expect(server.executions('pay')).toBe(2);
    expect(await b.queue.get(x.id)).toMatchObject({ replayCount: 1, deliveryUnknown: true });

    await vi.waitFor(async () => expect((await a.bulk.get(job.id))?.state).toBe('done'), {
      timeout: 10_000,
      interval: 100,
    });
    expect(await a.bulk.get(job.id)).toMatchObject({ total: 2, succeeded: 1, skipped: 1 });
    expect(server.executions('pay')).toBe(2);
  });

  it('a forced replay of an entry whose replay was abandoned is refused once, sending nothing', async () => {
    const { a, b, cutA, keys } = await twoInstances({}, { leaseOfA: LAPSING_LEASE_MS });
    const entry = await deadPay(a.app, a.queue, 'forced-abandoned');
    server.slowNext('pay', 800);
    const replay = a.replays.replay(entry.id);
    await vi.waitFor(() => expect(server.executions('pay')).toBe(1), { timeout: 5000 });
    cutA();
    await replay.catch(() => undefined);
    const admin = new Redis(redis.url);
    clients.push(admin);
    await vi.waitFor(async () => expect(await admin.exists(keys.lease(entry.id))).toBe(0), {
      timeout: 10_000,
      interval: 100,
    });

    const refused = await b.replays.replay(entry.id, { force: true }).catch((e: unknown) => e);
    expect(isReplayConflictError(refused)).toBe(true);
    expect(String(refused)).toContain('previous replay was abandoned');
    expect(server.executions('pay')).toBe(1);
    expect(await b.queue.get(entry.id)).toMatchObject({ status: 'dead', deliveryUnknown: true });

    await expect(b.replays.replay(entry.id, { force: true })).resolves.toMatchObject({
      id: entry.id,
    });
    expect(server.executions('pay')).toBe(2);
  });

  it('a replay that lost its lease while its instance lives leaves the entry dead: one forced replay runs it', async () => {
    const { a, b, keys } = await twoInstances({}, { leaseOfA: LAPSING_LEASE_MS });
    const entry = await deadPay(a.app, a.queue, 'lease-lost');
    server.slowNext('pay', 800);
    const replay = a.replays.replay(entry.id);
    await vi.waitFor(() => expect(server.executions('pay')).toBe(1), { timeout: 5000 });
    // The injected fault: the lease is gone while pay runs (expired in a stall, say).
    const admin = new Redis(redis.url);
    clients.push(admin);
    await admin.del(keys.lease(entry.id));
    await replay.catch(() => undefined);
    await vi.waitFor(
      async () => expect(await b.queue.get(entry.id)).toMatchObject({ deliveryUnknown: true }),
      { timeout: 5000 },
    );
    const stored = JSON.parse((await admin.get(keys.entry(entry.id)))!) as FailedOperation;
    expect(stored.status).toBe('dead');

    // The operator, seeing it deliveryUnknown, forces it once: it runs.
    await expect(b.replays.replay(entry.id, { force: true })).resolves.toMatchObject({
      id: entry.id,
    });
    expect(server.executions('pay')).toBe(2);
  });

  it('a forced bulk job whose replay lost its lease while its instance lives: the instance that takes the job over skips the entry', async () => {
    const { a, b, keys } = await twoInstances({}, { leaseOfA: LAPSING_LEASE_MS });
    const entry = await deadPay(a.app, a.queue, 'job-lease-lost');
    server.slowNext('pay', 2000);
    const job = await a.bulk.start({ force: true, concurrency: 1 });
    await vi.waitFor(() => expect(server.executions('pay')).toBe(1), { timeout: 5000 });
    // The injected faults, while pay runs: another holder has A's job lease for 1.5 s (A stops
    // the job and records nothing), then A's replay loses its lease (A marks the entry
    // deliveryUnknown). B takes the job over once that lease lapses, from the chunk A recorded.
    const admin = new Redis(redis.url);
    clients.push(admin);
    await admin.set(keys.lease(`job:${job.id}`), 'another-holder', 'PX', 1500);
    await sleep(500);
    await admin.del(keys.lease(entry.id));
    await vi.waitFor(async () => expect((await b.bulk.get(job.id))?.state).toBe('done'), {
      timeout: 10_000,
      interval: 200,
    });

    expect(server.executions('pay')).toBe(1);
    expect(await b.bulk.get(job.id)).toMatchObject({ total: 1, succeeded: 0, skipped: 1 });
    expect(await b.queue.get(entry.id)).toMatchObject({
      status: 'dead',
      deliveryUnknown: true,
      replayCount: 1,
    });
  });

  it('a replay slower than its lease keeps it: the other instance waits, pay runs once', async () => {
    const { a, b } = await twoInstances(
      { redrive: [{ after: 100 }] },
      { leaseOfA: LAPSING_LEASE_MS, requestTimeoutMs: 15_000 },
    );
    const entry = await deadPay(a.app, a.queue, 'slow');
    // Over three times the lease: renewed every 500 ms, it survives a stall of a second.
    server.slowNext('pay', 5000);
    const replay = a.replays.run(entry.id, {});
    // Every 100 ms B's redriver finds the entry due; A's lease, renewed, keeps it out.
    await expect(replay).resolves.toMatchObject({ id: entry.id });
    expect(server.executions('pay')).toBe(1);
    expect(await b.queue.get(entry.id)).toBeNull();
    expect(b.redriven.length).toBeGreaterThan(0);
    expect(b.redriven.every((e) => e.result === 'skipped')).toBe(true);
  });

  it('a replay that may have run (timeout) is marked deliveryUnknown: never redriven again', async () => {
    const { a, b } = await twoInstances(
      { redrive: [{ after: 200, backoff: 1 }] },
      { requestTimeoutMs: 1500 },
    );
    const entry = await deadPay(a.app, a.queue, 'timeout');
    // The first redrive (on either instance) meets a pay slower than requestTimeoutMs.
    server.slowNext('pay', 5000);
    await vi.waitFor(
      async () => expect(await b.queue.get(entry.id)).toMatchObject({ replayCount: 1 }),
      { timeout: 10_000 },
    );
    expect(server.executions('pay')).toBe(1);
    const after = (await b.queue.get(entry.id))!;
    expect(after).toMatchObject({
      errorClass: 'delivery_unknown',
      deliveryUnknown: true,
      redriveCount: 1,
    });
    expect(after.nextRedriveAt).toBeUndefined();
    expect((await b.queue.getStats()).dueForRedrive).toBe(0);
    // Redrives would have come every 200 ms.
    await sleep(800);
    expect(server.executions('pay')).toBe(1);
    expect((await b.queue.get(entry.id))?.replayCount).toBe(1);

    const refused = await b.replays.replay(entry.id).catch((e: unknown) => e);
    expect(isReplayConflictError(refused)).toBe(true);
    expect(server.executions('pay')).toBe(1);
    await expect(b.replays.replay(entry.id, { force: true })).resolves.toMatchObject({
      id: entry.id,
    });
    expect(server.executions('pay')).toBe(2);
    expect([...a.redriven, ...b.redriven].map((e) => e.result)).toContain('failure');
  });

  it('a manual replay that times out is marked deliveryUnknown too', async () => {
    const { a } = await twoInstances({}, { requestTimeoutMs: 1500 });
    const entry = await deadPay(a.app, a.queue, 'manual-timeout');
    server.slowNext('pay', 5000);
    const error = await a.replays.replay(entry.id).catch((e: unknown) => e);
    expect(isMcpDeliveryUnknownError(error)).toBe(true);
    expect(await a.queue.get(entry.id)).toMatchObject({ deliveryUnknown: true, replayCount: 1 });
    expect(isReplayConflictError(await a.replays.replay(entry.id).catch((e: unknown) => e))).toBe(
      true,
    );
    expect(server.executions('pay')).toBe(1);
  });
});
