import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  parseJsonRpcBody,
  readRequestText,
} from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { StatefulSessions } from '../../apps/sample/src/demo-server/stateful-sessions.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';

/**
 * A tool whose server asks the client for input outside the tool's own answer stream (the SDK
 * sends such a request on the session's GET stream, or drops it when none is open).
 */
async function startDetachedElicitServer(): Promise<{
  url: string;
  gets: () => number;
  close: () => Promise<void>;
}> {
  let gets = 0;
  const newServer = (): McpServer => {
    const mcp = new McpServer({ name: 'detached-elicit', version: '1.0.0' });
    mcp.registerTool('ask_name', {}, async () => {
      const answer = await mcp.server
        .elicitInput({
          message: 'Your name?',
          requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
        })
        .then((result) => JSON.stringify(result))
        .catch((error: unknown) => `failed: ${String(error)}`);
      return { content: [{ type: 'text', text: answer }] };
    });
    return mcp;
  };
  const sessions = new StatefulSessions(newServer, {});
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET') gets += 1;
    void (async () => {
      const body =
        req.method === 'POST' ? parseJsonRpcBody(await readRequestText(req)).body : undefined;
      await sessions.handle(req, res, body);
    })().catch(() => (res.headersSent ? res.destroy() : res.writeHead(500).end()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    gets: () => gets,
    close: async () => {
      await sessions.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

describe("the session's GET stream", () => {
  let server: Awaited<ReturnType<typeof startDetachedElicitServer>>;
  let app: ClientTestApp | undefined;

  beforeAll(async () => {
    server = await startDetachedElicitServer();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is opened when a handler is set, and carries requests that belong to no call', async () => {
    app = await startClientApp({
      servers: { s: { url: server.url } },
      handlers: { elicitation: () => ({ action: 'accept', content: { name: 'Ada' } }) },
    });
    const before = server.gets();
    const result = await app.client.callToolWithRetry('s', 'ask_name');
    expect(server.gets()).toBeGreaterThan(before);
    expect(result.content).toEqual([
      { type: 'text', text: JSON.stringify({ action: 'accept', content: { name: 'Ada' } }) },
    ]);
  });

  it('is not opened with listen: false, so such a request never reaches the handler', async () => {
    let asked = 0;
    app = await startClientApp({
      servers: { s: { url: server.url, listen: false } },
      handlers: { elicitation: () => ((asked += 1), { action: 'decline' }) },
      retry: { requestTimeoutMs: 1500 },
    });
    const before = server.gets();
    const outcome = await app.client
      .callToolWithRetry('s', 'ask_name')
      .then((result) => JSON.stringify(result.content))
      .catch((error: unknown) => String(error));
    expect(outcome).not.toContain('decline');
    expect(asked).toBe(0);
    expect(server.gets()).toBe(before);
  });

  it('is closed when the client disconnects', async () => {
    app = await startClientApp({
      servers: { s: { url: server.url } },
      handlers: { roots: () => ({ roots: [] }) },
    });
    await app.client.connectWithRetry('s');
    await expect.poll(() => server.gets()).toBeGreaterThan(0);
    const opened = server.gets();
    await app.client.disconnect('s');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(server.gets()).toBe(opened);
  });
});
