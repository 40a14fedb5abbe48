// A gateway may name itself after the caller's key. What a server says of itself (serverInfo,
// instructions) reaches the app's session without the request's secrets: sessions get logged
// and shown (the sample's REST replies).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, expect, it } from 'vitest';
import {
  parseJsonRpcBody,
  readRequestText,
} from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { StatefulSessions } from '../../apps/sample/src/demo-server/stateful-sessions.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { serveOnLoopback } from '../support/loopback-server.js';

const API_KEY = 'key-API-0123456789';
const AUTHORIZATION = 'Bearer tok-AUTH-0123456789';

let app: ClientTestApp | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await app?.close();
  await close?.();
  app = close = undefined;
});

/** Serves the sessions on loopback (closed after the test); returns the port. */
async function serveSessions(sessions: StatefulSessions): Promise<number> {
  const server = await serveOnLoopback(async (req, res) => {
    const body =
      req.method === 'POST' ? parseJsonRpcBody(await readRequestText(req)).body : undefined;
    await sessions.handle(req, res, body);
  });
  close = async () => {
    await sessions.closeAll();
    await server.close();
  };
  return server.port;
}

it("keeps the request's secrets out of a 2025 server's serverInfo and instructions", async () => {
  const sessions = new StatefulSessions(
    () =>
      new McpServer(
        {
          name: API_KEY,
          title: 'Gateway',
          version: AUTHORIZATION,
          websiteUrl: `https://gw.example/u/${API_KEY}`,
        },
        {
          instructions: `Send ${API_KEY.toUpperCase()} with every call.`,
          capabilities: { experimental: { [API_KEY]: { auth: AUTHORIZATION } } },
        },
      ),
    {},
  );
  const port = await serveSessions(sessions);
  app = await startClientApp({
    dlq: false,
    servers: {
      gw: {
        url: `http://127.0.0.1:${port}/mcp`,
        headers: { 'x-api-key': API_KEY, authorization: AUTHORIZATION },
      },
    },
  });

  const session = await app.client.connectWithRetry('gw');

  expect(session.serverInfo).toEqual({
    name: '[REDACTED]',
    title: 'Gateway',
    version: '[REDACTED]',
    websiteUrl: 'https://gw.example/u/[REDACTED]',
  });
  expect(session.capabilities.experimental).toEqual({ '[REDACTED]': { auth: '[REDACTED]' } });
  expect(JSON.stringify(session).toLowerCase()).not.toContain('0123456789');
  expect(session.instructions).toBe('Send [REDACTED] with every call.');
  expect(app.client.getSession('gw')?.serverInfo.name).toBe('[REDACTED]');
});

// Tools are logged (a skipped one), traced, dead-lettered and shown (a REST reply) by name.
it("skips a tool named after a secret of the request, and keeps the secrets out of the others' words", async () => {
  const sessions = new StatefulSessions(() => {
    const mcp = new McpServer({ name: 'gw', version: '1' });
    const ok = () => ({ content: [{ type: 'text' as const, text: 'ok' }] });
    mcp.registerTool(`lookup_${API_KEY}`, { description: 'named after the key' }, ok);
    mcp.registerTool('search', { description: `Search with key ${API_KEY}` }, ok);
    return mcp;
  }, {});
  const port = await serveSessions(sessions);
  const logger = new CapturingLogger();
  app = await startClientApp(
    {
      dlq: false,
      servers: {
        gw: { url: `http://127.0.0.1:${port}/mcp`, headers: { 'x-api-key': API_KEY } },
      },
    },
    logger,
  );

  const tools = await app.client.listToolsWithRetry('gw');

  expect(tools.map((tool) => [tool.name, tool.description])).toEqual([
    ['search', 'Search with key [REDACTED]'],
  ]);
  expect(logger.messages()).toContain('Skipped 1 invalid tool(s) from gw: lookup_[REDACTED]');
  expect(JSON.stringify([tools, logger.messages()])).not.toContain('0123456789');
});
