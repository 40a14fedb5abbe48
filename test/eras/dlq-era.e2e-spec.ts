import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueueService, DlqReplayService } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type EraServerHandle, startEraServer } from '../support/era-server/era-server.js';
import { type EraSwitch, startEraSwitch } from '../support/era-server/era-switch.js';

describe('dead letters record the era; a replay speaks whatever the server speaks then', () => {
  let modern: EraServerHandle;
  let legacy: EraServerHandle;
  let front: EraSwitch;
  let app: ClientTestApp;
  let dlq: DeadLetterQueueService;

  beforeAll(async () => {
    [modern, legacy] = await Promise.all([startEraServer('modern'), startEraServer('legacy')]);
    front = await startEraSwitch(modern);
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
