// The keep-alive agents behind axios close an idle socket even when the server sends no
// keep-alive hint (Node keeps such a socket open for good), and never cut a request in flight.
import { createServer, type Server } from 'node:https';
import { request } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keepAliveAgents } from '../../libs/fastmcp/src/transport/keep-alive-agents.js';
import { SocketWatch } from '../../libs/fastmcp/src/transport/socket-watch.js';
import { createSelfSignedCert, type SelfSignedCert } from '../support/self-signed-cert.js';

const IDLE_MS = 300;

let tls: SelfSignedCert;
let server: Server;
let url: string;
const open = new Set<Socket>();
let connections = 0;

beforeAll(async () => {
  tls = await createSelfSignedCert();
  server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const delayMs = Number(new URL(req.url ?? '/', 'https://x').searchParams.get('delay') ?? 0);
    setTimeout(() => res.end('ok'), delayMs);
  });
  // No `Keep-Alive: timeout=…` hint in the answers, and no server-side idle close.
  server.keepAliveTimeout = 0;
  server.on('secureConnection', (socket: Socket) => {
    connections += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

function get(agent: ReturnType<typeof keepAliveAgents>['https'], path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent, ca: tls.cert }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('keepAliveAgents', () => {
  it('reuses a socket while it is in use, and closes it once idle with no server hint', async () => {
    const { https, http } = keepAliveAgents(new SocketWatch(), IDLE_MS);
    const before = connections;
    expect(await get(https)).toBe('ok');
    expect(await get(https)).toBe('ok');
    expect(connections - before).toBe(1);
    expect(open.size).toBe(1);

    await vi.waitFor(() => expect(open.size).toBe(0), { timeout: 10 * IDLE_MS, interval: 50 });
    https.destroy();
    http.destroy();
  });

  it('does not cut a request whose answer takes longer than the idle time', async () => {
    const { https, http } = keepAliveAgents(new SocketWatch(), IDLE_MS);
    expect(await get(https, `/?delay=${3 * IDLE_MS}`)).toBe('ok');
    https.destroy();
    http.destroy();
  });
});
