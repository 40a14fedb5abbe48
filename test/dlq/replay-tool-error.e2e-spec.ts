// A replayed call the tool answers with `isError: true` ran and failed: the entry must stay
// (marked as run), where it used to leave the queue as a success, also from a bulk replay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueService,
  DlqReplayService,
  isMcpToolResultError,
  ReplayConflictError,
} from '@app/fastmcp';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';

describe('a replay the tool answers with an error result', () => {
  let server: DemoMcpServerHandle;
  let app: ClientTestApp;
  let dlq: DeadLetterQueueService;

  beforeAll(async () => {
    server = await startDemoMcpServer();
    app = await startClientApp({ servers: { demo: { url: server.url } }, dlq: {} });
    dlq = app.moduleRef.get(DeadLetterQueueService);
  });

  afterAll(async () => {
    // Left in the memory store, they would be logged in full at its close.
    for (const { id } of (await dlq.list()).items) await dlq.delete(id);
    await app?.close();
    await server?.close();
  });

  const deadLetterOf = (toolName: string, args: Record<string, unknown> = {}) =>
    dlq.store({
      operation: 'call_tool',
      clientId: 'demo',
      serverUrl: server.url,
      toolName,
      arguments: args,
      request: { method: 'tools/call', params: { name: toolName, arguments: args }, headers: {} },
      error: 'HTTP 503',
      errorClass: 'http_503',
      attempts: [],
      retryCount: 3,
      firstAttemptAt: new Date().toISOString(),
      failedAt: new Date().toISOString(),
    });

  it('fails with McpToolResultError and keeps the entry, marked as run, with the tool’s words', async () => {
    const entry = await deadLetterOf('fail');
    const error = await app.moduleRef
      .get(DlqReplayService)
      .replay(entry.id)
      .catch((e: unknown) => e);

    expect(isMcpToolResultError(error)).toBe(true);
    expect(error).toMatchObject({
      toolName: 'fail',
      result: { isError: true, content: [{ type: 'text', text: 'intentional failure' }] },
    });
    expect(await dlq.get(entry.id)).toMatchObject({
      status: 'dead',
      replayCount: 1,
      errorClass: 'tool_error',
      error: 'tool fail answered with an error result (isError): intentional failure',
      deliveryUnknown: true,
    });
  });

  it('is not run again without force, and runs with it', async () => {
    const entry = await deadLetterOf('fail');
    const replays = app.moduleRef.get(DlqReplayService);
    await replays.replay(entry.id).catch(() => undefined);
    const calls = server.requestCounts()['tools/call'];

    await expect(replays.replay(entry.id)).rejects.toBeInstanceOf(ReplayConflictError);
    expect(server.requestCounts()['tools/call']).toBe(calls);

    await expect(replays.replay(entry.id, { force: true })).rejects.toSatisfy(isMcpToolResultError);
    expect(server.requestCounts()['tools/call']).toBe(calls + 1);
    expect(await dlq.get(entry.id)).toMatchObject({ replayCount: 2, deliveryUnknown: true });
  });

  it('still removes an entry whose tool answers without an error', async () => {
    const entry = await deadLetterOf('echo', { text: 'hi' });
    await expect(app.moduleRef.get(DlqReplayService).replay(entry.id)).resolves.toMatchObject({
      id: entry.id,
    });
    expect(await dlq.get(entry.id)).toBeNull();
  });
});
