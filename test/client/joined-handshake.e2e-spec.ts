// A call that joins a handshake another call started waits for it only as long as its own signal
// and budget allow: it is not held until someone else's `initialize` lands.
import { afterEach, expect, it } from 'vitest';
import { DeadLetterQueueService, McpAbortedError, McpTimeoutError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { faults, type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { until } from '../support/until.js';

const HANDSHAKE_MS = 1500;

let server: CountingToolsServer | undefined;
let proxy: FaultProxy | undefined;
let app: ClientTestApp | undefined;

afterEach(async () => {
  await app?.close();
  await proxy?.close();
  await server?.close();
  app = undefined;
});

/** Starts a call whose handshake answers after HANDSHAKE_MS, and waits until it is out. */
async function slowHandshake(): Promise<{
  client: ClientTestApp['client'];
  first: Promise<unknown>;
}> {
  server = await startCountingToolsServer();
  proxy = await startFaultProxy(server.url);
  app = await startClientApp({
    servers: { c: { url: proxy.url, protocolVersion: '2025-11-25' } },
  });
  proxy.inject({
    match: { method: 'initialize' },
    fault: faults.delayAnswer(HANDSHAKE_MS),
    times: 1,
  });
  const first = app.client.callToolWithRetry('c', 'lookup', { id: 'first' });
  await until(() => proxy!.requests.some((r) => r.jsonRpcMethod === 'initialize'));
  return { client: app.client, first };
}

/** How the joiner ended, and whether the shared handshake had landed by then. */
async function settle(joiner: Promise<unknown>, client: ClientTestApp['client']) {
  const error = await joiner.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, handshakeLanded: client.getSession('c') !== undefined };
}

it('a joiner aborted while the shared handshake is out fails at once; the owner goes on', async () => {
  const { client, first } = await slowHandshake();
  const controller = new AbortController();
  const joiner = client.callToolWithRetry(
    'c',
    'upsert',
    { id: 'joiner' },
    {
      signal: controller.signal,
    },
  );
  setTimeout(() => controller.abort(), 100);

  const ended = await settle(joiner, client);
  expect(ended.handshakeLanded).toBe(false);
  expect(ended.error).toBeInstanceOf(McpAbortedError);
  await expect(first).resolves.toMatchObject({ content: [{ text: 'first' }] });
  expect(server!.executions('upsert')).toBe(0);
  expect((await app!.moduleRef.get(DeadLetterQueueService).getStats()).total).toBe(0);
});

it('a joiner whose budget runs out while the shared handshake is out fails then', async () => {
  const { client, first } = await slowHandshake();
  const joiner = client.callTool('c', 'upsert', { id: 'joiner' }, { timeoutMs: 200 });

  const ended = await settle(joiner, client);
  expect(ended.handshakeLanded).toBe(false);
  expect(ended.error).toBeInstanceOf(McpTimeoutError);
  expect(ended.error).toHaveProperty('scope', 'budget');
  await expect(first).resolves.toMatchObject({ content: [{ text: 'first' }] });
  expect(server!.executions('upsert')).toBe(0);
});
