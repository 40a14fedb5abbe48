// A handshake that lands after its client id was disconnected is ended: its server stream too.
// It used to keep listening (a GET open, reopened after the module closed), and an initialize
// answer whose Mcp-Session-Id no header can carry was taken as a session, and one that was not
// valid MCP left its session open on the server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { isMcpDisconnectedError, isMcpProtocolError } from '@app/fastmcp';
import { readRequestText } from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { startClientApp } from '../support/client-test-app.js';
import { until } from '../support/until.js';

interface HandshakeServer {
  url: string;
  /** GET streams opened so far, and those still open. */
  gets: { opened: number; open: number };
  /** DELETEs received (answered 405). */
  deletes: number;
  server: Server;
}

const VALID_RESULT = {
  protocolVersion: '2025-11-25',
  capabilities: {},
  serverInfo: { name: 'handshake', version: '1' },
};

/** A 2025-era server: initialize answered after `initializeDelayMs` with `sessionId`. */
async function startHandshakeServer(
  sessionId: string,
  initializeDelayMs = 0,
  result: unknown = VALID_RESULT,
): Promise<HandshakeServer> {
  const gets = { opened: 0, open: 0 };
  let deletes = 0;
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'GET') {
      gets.opened += 1;
      gets.open += 1;
      res.on('close', () => (gets.open -= 1));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      return void res.flushHeaders();
    }
    if (req.method === 'DELETE') {
      deletes += 1;
      return void res.writeHead(405).end();
    }
    const message = JSON.parse(await readRequestText(req)) as { id?: number; method?: string };
    if (message.method !== 'initialize') {
      return void res.writeHead(message.id === undefined ? 202 : 400).end();
    }
    await sleep(initializeDelayMs);
    res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': sessionId });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
  };
  const server = createServer((req, res) => void answer(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    gets,
    get deletes() {
      return deletes;
    },
    server,
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function serve(handshake: HandshakeServer): HandshakeServer {
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        handshake.server.closeAllConnections();
        handshake.server.close(() => resolve());
      }),
  );
  return handshake;
}

it('a listening handshake that lands after disconnect() closes its stream, and nothing reopens', async () => {
  const server = serve(await startHandshakeServer('slow-1', 300));
  const app = await startClientApp({
    servers: { h: { url: server.url, listen: true } },
    dlq: false,
  });
  let closed = false;
  closers.push(async () => {
    if (!closed) await app.close();
  });
  const connecting = app.client.connectWithRetry('h').then(
    () => undefined,
    (error: unknown) => error,
  );
  await sleep(50);
  await app.client.disconnect('h');
  expect(isMcpDisconnectedError(await connecting)).toBe(true);
  // Its GET may have left before it was stopped: then it is closed.
  await sleep(300);
  await until(() => server.gets.open === 0);
  expect(server.gets.open).toBe(0);
  const opened = server.gets.opened;
  expect(opened).toBeLessThanOrEqual(1);

  await app.close();
  closed = true;
  await sleep(1500);
  expect(server.gets).toEqual({ opened, open: 0 });
});

/** How a connect to `server` fails (undefined when it does not). */
async function connectFailure(server: HandshakeServer): Promise<Error | undefined> {
  const app = await startClientApp({ servers: { h: { url: server.url } }, dlq: false });
  closers.push(() => app.close());
  return app.client.connectWithRetry('h').then(
    () => undefined,
    (failure: unknown) => failure as Error,
  );
}

it('an initialize answer whose Mcp-Session-Id is not visible ASCII fails the connect', async () => {
  const server = serve(await startHandshakeServer('bad id'));
  const error = await connectFailure(server);
  expect(isMcpProtocolError(error)).toBe(true);
  expect(error?.message).toBe(
    'MCP error -32603: the Mcp-Session-Id of the initialize answer is not 1 to 8192 visible ASCII characters',
  );
});

it('an initialize answer that is not valid MCP fails the connect and ends its session', async () => {
  const server = serve(await startHandshakeServer('s-1', 0, { capabilities: {} }));
  const error = await connectFailure(server);
  expect(isMcpProtocolError(error)).toBe(true);
  expect(error?.message).toBe('MCP error -32603: the initialize result is not valid MCP');
  expect(server.deletes).toBe(1);
});
