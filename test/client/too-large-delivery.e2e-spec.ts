// An answer too large to hold means the server ran the tool: the dead letter of a tool not safe
// to repeat is marked deliveryUnknown, so a replay without `force` never runs it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueueService, isMcpResponseTooLargeError } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

/** Every tools/call answers 8 KiB of text; tools/list one small tool. */
function answer({ res, message }: ScriptedRequest): void {
  const result =
    message.method === 'tools/list'
      ? { tools: [{ name: 'big', inputSchema: { type: 'object' } }] }
      : { content: [{ type: 'text', text: 'x'.repeat(8 * 1024) }] };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
}

describe('a tools/call whose answer is too large to hold', () => {
  let server: ScriptedMcpServerHandle;
  let app: ClientTestApp;
  let dlq: DeadLetterQueueService;

  beforeAll(async () => {
    server = await startScriptedMcpServer(answer);
    const limit = { maxResponseBytes: 2048 };
    app = await startClientApp({
      servers: {
        shop: { url: server.url, ...limit },
        safe: { url: server.url, ...limit, tools: { big: { retry: 'always' } } },
      },
    });
    dlq = app.moduleRef.get(DeadLetterQueueService);
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  const entryOf = async (clientId: string) =>
    (await dlq.list({ limit: 100 })).items.find((entry) => entry.clientId === clientId);

  it('is dead-lettered deliveryUnknown for a tool not safe to repeat', async () => {
    const error = await app.client.callToolWithRetry('shop', 'big').catch((e: unknown) => e);
    expect(isMcpResponseTooLargeError(error)).toBe(true);
    expect(await entryOf('shop')).toMatchObject({ toolName: 'big', deliveryUnknown: true });
    expect(server.count('tools/call')).toBe(1);
  });

  it('is not, for a tool marked safe to repeat', async () => {
    await app.client.callToolWithRetry('safe', 'big').catch((e: unknown) => e);
    const entry = await entryOf('safe');
    expect(entry?.errorClass).toBe('response_too_large');
    expect(entry?.deliveryUnknown).toBeUndefined();
  });
});
