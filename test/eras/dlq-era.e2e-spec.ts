import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueueService, DlqReplayService } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type EraServerHandle, startEraServer } from '../support/era-server/era-server.js';
import { forwardRequest } from '../support/forward-request.js';
import { type LoopbackServer, serveOnLoopback } from '../support/loopback-server.js';

/** One URL in front of whichever era server is current: a server upgraded or rolled back. */
async function startSwitch(initial: EraServerHandle) {
  let current = initial;
  let down = false;
  const agent = new Agent({ keepAlive: false });
  const server: LoopbackServer = await serveOnLoopback(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (down) return void res.writeHead(503).end('down for the upgrade');
    const upstream = { origin: new URL(new URL(current.url).origin), agent };
    await new Promise<void>((resolve) => {
      res.once('close', () => resolve());
      forwardRequest(upstream, req, Buffer.concat(chunks), res, () => undefined);
    });
  });
  return {
    url: `http://127.0.0.1:${server.port}/mcp`,
    switchTo: (next: EraServerHandle) => void (current = next),
    setDown: (value: boolean) => void (down = value),
    close: () => server.close(),
  };
}

describe('dead letters record the era; a replay speaks whatever the server speaks then', () => {
  let modern: EraServerHandle;
  let legacy: EraServerHandle;
  let front: Awaited<ReturnType<typeof startSwitch>>;
  let app: ClientTestApp;
  let dlq: DeadLetterQueueService;

  beforeAll(async () => {
    [modern, legacy] = await Promise.all([startEraServer('modern'), startEraServer('legacy')]);
    front = await startSwitch(modern);
    app = await startClientApp({
      servers: { svc: { url: front.url, tools: { echo: { retry: 'always' } } } },
      retry: { maxRetries: 1 },
      dlq: { storeKinds: ['retries_exhausted'] },
    });
    dlq = app.moduleRef.get(DeadLetterQueueService);
  });

  afterAll(async () => {
    await app?.close();
    await front?.close();
    await Promise.all([modern?.close(), legacy?.close()]);
  });

  it('dead-letters a failed modern call as modern, and replays it against a 2025 server', async () => {
    expect((await app.client.connect('svc')).era).toBe('modern');
    front.setDown(true);
    await expect(app.client.callToolWithRetry('svc', 'echo', { text: 'later' })).rejects.toThrow();
    const { items } = await dlq.list();
    expect(items).toHaveLength(1);
    const entry = items[0];
    expect(entry.protocolEra).toBe('modern');
    expect(entry.request.method).toBe('tools/call');
    expect(entry.request.headers['mcp-protocol-version']).toBe('2026-07-28');
    expect(JSON.stringify(entry)).not.toContain('mcp-session-id');

    // The server comes back as a 2025-era one: the replay finds out and runs there.
    front.switchTo(legacy);
    front.setDown(false);
    const replayed = await app.moduleRef.get(DlqReplayService).replay(entry.id);
    expect(replayed.result).toEqual({ content: [{ type: 'text', text: 'later (legacy)' }] });
    expect(legacy.runs.get('echo')).toBe(1);
    expect(app.client.getSession('svc')?.era).toBe('legacy');
    expect((await dlq.list()).items).toHaveLength(0);
  });
});
