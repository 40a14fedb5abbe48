// A 2026-07-28 refusal code inside a 200 to tools/call, after progress: the tool may have run,
// so the call ends with delivery unknown and its dead letter needs `force` to be replayed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueueService, isFastMcpError } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { type RawModernServerHandle, startRawModernServer } from '../support/raw-modern-server.js';

const TOOL = { name: 'pay', inputSchema: { type: 'object', properties: {} } };
const REFUSAL = {
  code: -32021,
  message: 'missing capability',
  data: { requiredCapabilities: { sampling: {} } },
};

describe('2026-07-28: a refusal code inside a 200 to tools/call', () => {
  let server: RawModernServerHandle;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startRawModernServer((message) => {
      if (message.method === 'tools/list') return { tools: [TOOL] };
      if (message.method !== 'tools/call') return undefined;
      return (res, { id }) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const progress = {
          jsonrpc: '2.0',
          method: 'notifications/progress',
          params: { progressToken: 'p', progress: 1 },
        };
        res.write(`data: ${JSON.stringify(progress)}\n\n`);
        res.end(`data: ${JSON.stringify({ jsonrpc: '2.0', id, error: REFUSAL })}\n\n`);
      };
    });
    app = await startClientApp({ servers: { raw: { url: server.url } }, dlq: {} });
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('is sent once and ends delivery unknown; the dead letter is marked so', async () => {
    const failure = await app.client
      .callToolWithRetry('raw', 'pay', {})
      .catch((error: unknown) => error);
    expect(isFastMcpError(failure) && failure.delivery).toBe('unknown');
    expect(server.requestsOf('tools/call')).toHaveLength(1);
    const dlq = app.moduleRef.get(DeadLetterQueueService);
    await dlq.flushBuffer();
    const [entry] = (await dlq.list()).items;
    expect(entry).toMatchObject({ toolName: 'pay', deliveryUnknown: true });
  });
});
