import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isCircuitOpenError } from '@app/fastmcp';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startPipelineApp, type PipelineTestApp } from '../support/pipeline-test-app.js';

/**
 * A failed attempt gives back what the pipeline admitted it with (a concurrency slot, the
 * half-open probe) before it waits to retry: a call sleeping in backoff or Retry-After holds
 * nothing another call needs.
 */
let server: CountingToolsServer;
let proxy: FaultProxy;
let app: PipelineTestApp | undefined;

beforeAll(async () => {
  server = await startCountingToolsServer();
  proxy = await startFaultProxy(server.url);
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  proxy.clear();
  proxy.clearRequests();
  server.reset();
});

afterAll(async () => {
  await proxy.close();
  await server.close();
});

describe('admission while a call waits to retry', () => {
  it('lets another call through maxConcurrent: 1 while the first sleeps in backoff', async () => {
    app = await startPipelineApp({
      servers: {
        s: {
          url: proxy.url,
          protocolVersion: '2025-11-25',
          resilience: { rateLimit: { maxConcurrent: 1, requestsPerSecond: 1000, adaptive: false } },
        },
      },
      retry: { initialDelayMs: 2000, maxDelayMs: 2000, jitter: 0 },
    });
    await app.client.connectWithRetry('s');
    proxy.inject({
      match: { method: 'tools/call', toolName: 'lookup' },
      fault: faults.status(503),
    });
    const first = app.client.callToolWithRetry('s', 'lookup', { id: 'a' });
    await vi.waitUntil(() => app!.retries.length === 1, { timeout: 5000 });

    await app.client.callToolWithRetry('s', 'upsert', { id: 'b' });

    expect(app.rateLimitWaits).toEqual([]);
    expect(server.executions('lookup')).toBe(0);
    await first;
    expect(server.executions('lookup')).toBe(1);
  });

  it('hands the half-open probe to the next call while a probe answered 429 sleeps', async () => {
    app = await startPipelineApp({
      servers: {
        s: {
          url: proxy.url,
          protocolVersion: '2025-11-25',
          resilience: { circuitBreaker: { consecutiveFailures: 1, openMs: 300 } },
        },
      },
      retry: { maxRetries: 3 },
    });
    await app.client.connectWithRetry('s');
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(500) });
    await expect(app.client.callToolWithRetry('s', 'lookup', { id: 'x' })).rejects.toThrow();
    await sleep(400);
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(429, { retryAfter: 3 }) });
    const probe = app.client.callToolWithRetry('s', 'lookup', { id: 'probe' });
    await vi.waitUntil(() => app!.retries.some((r) => r.reason === 'http_429'), { timeout: 5000 });

    // One after the other: the first is the new probe, and its success closes the circuit.
    const others: unknown[] = [];
    for (const id of ['b', 'c', 'd']) {
      others.push(
        await app.client.callToolWithRetry('s', 'lookup', { id }).catch((e: unknown) => e),
      );
    }

    expect(others.filter(isCircuitOpenError)).toEqual([]);
    expect(app.pipelines.circuitStates()).toMatchObject({ s: 'closed' });
    await probe;
  });
});
