import { afterEach, describe, expect, it } from 'vitest';
import {
  isMcpInputRequiredError,
  isMcpProtocolError,
  type McpInputRequiredError,
  type ServerRequestEvent,
} from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  RAW_MODERN_DISCOVER,
  type RawModernMessage,
  type RawModernReply,
  type RawModernServerHandle,
  startRawModernServer,
} from '../support/raw-modern-server.js';

const TOOL = { name: 't', inputSchema: { type: 'object', properties: {} } };
const ELICIT = {
  method: 'elicitation/create',
  params: {
    mode: 'form',
    message: 'token?',
    requestedSchema: { type: 'object', properties: { token: { type: 'string' } } },
  },
};
const INPUT_REQUIRED = { resultType: 'input_required', inputRequests: { ask: ELICIT } };

describe('resultType of 2026-07-28 results (raw server)', () => {
  let server: RawModernServerHandle | undefined;
  let app: ClientTestApp | undefined;
  let elicited = 0;
  const requests: ServerRequestEvent[] = [];

  afterEach(async () => {
    await app?.close();
    await server?.close();
    app = server = undefined;
    elicited = 0;
    requests.length = 0;
  });

  async function start(route: (message: RawModernMessage) => RawModernReply) {
    server = await startRawModernServer(route);
    app = await startClientApp({
      servers: { raw: { url: server.url, toolListCache: true } },
      handlers: {
        elicitation: () => {
          elicited += 1;
          return { action: 'accept', content: { token: 'secret' } };
        },
      },
      dlq: false,
    });
    app.events.on('server.request', (event) => requests.push(event));
    return { server, app };
  }

  it.each([['deferred'], ['COMPLETE'], [7], [null]])(
    'an unknown resultType %j is invalid: McpProtocolError, not retried',
    async (resultType) => {
      const { server, app } = await start((message) => {
        if (message.method === 'tools/call') return { resultType, content: [] };
        return undefined;
      });
      const error = await app.client.callToolWithRetry('raw', 't', {}).catch((e: unknown) => e);
      expect(isMcpProtocolError(error)).toBe(true);
      expect((error as Error).message).toMatch(/the tools\/call result has an unknown resultType/);
      expect(server.requestsOf('tools/call')).toHaveLength(1);
    },
  );

  it('a task handle is valid only for tools/call: a tools/list page that says task is invalid', async () => {
    const { app } = await start((message) =>
      message.method === 'tools/list'
        ? { resultType: 'task', taskId: 't1', status: 'working' }
        : undefined,
    );
    const error = await app.client.listToolsWithRetry('raw').catch((e: unknown) => e);
    expect(isMcpProtocolError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /the tools\/list result has an unknown resultType "task"/,
    );
  });

  it('an unknown resultType of a tools/list page is invalid too', async () => {
    const { app } = await start((message) =>
      message.method === 'tools/list' ? { resultType: 'partial', tools: [TOOL] } : undefined,
    );
    const error = await app.client.listToolsWithRetry('raw').catch((e: unknown) => e);
    expect(isMcpProtocolError(error)).toBe(true);
    expect((error as Error).message).toMatch(/unknown resultType "partial"/);
  });

  it("a resultType that is absent or 'complete' is a complete result", async () => {
    const { app } = await start((message) => {
      if (message.method === 'tools/list') return { tools: [TOOL] };
      if (message.method === 'tools/call') return { resultType: 'complete', content: [] };
      return undefined;
    });
    expect((await app.client.listToolsWithRetry('raw')).map((t) => t.name)).toEqual(['t']);
    expect(await app.client.callToolWithRetry('raw', 't', {})).toMatchObject({ content: [] });
  });

  it('input_required to tools/list is invalid: no handler runs, nothing is cached', async () => {
    const { server, app } = await start((message) => {
      if (message.method !== 'tools/list') return undefined;
      if (message.params?.inputResponses) return { tools: [TOOL], ttlMs: 60_000 };
      return INPUT_REQUIRED;
    });
    const error = await app.client.listToolsWithRetry('raw').catch((e: unknown) => e);
    expect(isMcpInputRequiredError(error)).toBe(true);
    expect((error as McpInputRequiredError).failure).toBe('invalid');
    expect((error as Error).message).toMatch(/tools\/list may not ask for input/);
    expect(elicited).toBe(0);
    expect(requests).toEqual([]);
    expect(server.requestsOf('tools/list')).toHaveLength(1);
    // Nothing was cached: the next listing asks the server again.
    await app.client.listToolsWithRetry('raw').catch(() => undefined);
    expect(server.requestsOf('tools/list')).toHaveLength(2);
  });

  it('input_required to server/discover is invalid: the connection fails, no handler runs', async () => {
    const { server, app } = await start((message) => {
      if (message.method !== 'server/discover') return undefined;
      return message.params?.inputResponses ? RAW_MODERN_DISCOVER : INPUT_REQUIRED;
    });
    const error = await app.client.connect('raw').catch((e: unknown) => e);
    expect(isMcpInputRequiredError(error)).toBe(true);
    expect((error as Error).message).toMatch(/server\/discover may not ask for input/);
    expect(elicited).toBe(0);
    expect(server.requestsOf('server/discover')).toHaveLength(1);
    expect(server.requestsOf('initialize')).toHaveLength(0);
  });

  it('input_required to tools/call is still answered by the handlers', async () => {
    const { server, app } = await start((message) => {
      if (message.method !== 'tools/call') return undefined;
      if (!message.params?.inputResponses) return INPUT_REQUIRED;
      return { content: [{ type: 'text', text: 'done' }] };
    });
    const result = await app.client.callToolWithRetry('raw', 't', {});
    expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(elicited).toBe(1);
    const [, second] = server.requestsOf('tools/call');
    expect(second?.message.params?.inputResponses).toEqual({
      ask: { action: 'accept', content: { token: 'secret' } },
    });
  });

  it('a ping among the input requests is invalid (2026-07-28 allows elicitation, sampling, roots)', async () => {
    const { server, app } = await start((message) => {
      if (message.method !== 'tools/call') return undefined;
      if (message.params?.inputResponses) return { content: [] };
      return { resultType: 'input_required', inputRequests: { p: { method: 'ping' } } };
    });
    const error = await app.client.callToolWithRetry('raw', 't', {}).catch((e: unknown) => e);
    expect(isMcpInputRequiredError(error)).toBe(true);
    expect((error as McpInputRequiredError).failure).toBe('invalid');
    expect(server.requestsOf('tools/call')).toHaveLength(1);
  });
});

describe('an empty nextCursor (raw 2026-07-28 server)', () => {
  let server: RawModernServerHandle | undefined;
  let app: ClientTestApp | undefined;

  afterEach(async () => {
    await app?.close();
    await server?.close();
    app = server = undefined;
  });

  it("is a cursor like any other: the listing goes on with cursor ''", async () => {
    server = await startRawModernServer((message) => {
      if (message.method !== 'tools/list') return undefined;
      const cursor = message.params?.cursor;
      if (cursor === undefined) return { tools: [{ ...TOOL, name: 'first' }], nextCursor: '' };
      if (cursor === '') return { tools: [{ ...TOOL, name: 'second' }], nextCursor: 'last' };
      return { tools: [{ ...TOOL, name: 'third' }] };
    });
    app = await startClientApp({ servers: { raw: { url: server.url } }, dlq: false });
    const tools = await app.client.listToolsWithRetry('raw');
    expect(tools.map((t) => t.name)).toEqual(['first', 'second', 'third']);
    const cursors = server.requestsOf('tools/list').map((r) => r.message.params?.cursor);
    expect(cursors).toEqual([undefined, '', 'last']);
  });

  it("a repeated '' cursor ends the listing with McpProtocolError", async () => {
    server = await startRawModernServer((message) =>
      message.method === 'tools/list' ? { tools: [TOOL], nextCursor: '' } : undefined,
    );
    app = await startClientApp({ servers: { raw: { url: server.url } }, dlq: false });
    const error = await app.client.listToolsWithRetry('raw').catch((e: unknown) => e);
    expect(isMcpProtocolError(error)).toBe(true);
    expect((error as Error).message).toMatch(/repeated the cursor ""/);
    expect(server.requestsOf('tools/list')).toHaveLength(2);
  });
});
