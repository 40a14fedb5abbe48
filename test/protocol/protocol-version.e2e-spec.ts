import { afterEach, describe, expect, it } from 'vitest';
import { isMcpProtocolError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startRawMcpServer } from '../support/raw-mcp-server/raw-mcp-server.js';
import type { RawMcpServerHandle } from '../support/raw-mcp-server/raw-mcp-server.interface.js';

const CLIENT = 'raw';

describe('a protocol version the client does not support', () => {
  let server: RawMcpServerHandle | undefined;
  let app: ClientTestApp | undefined;

  afterEach(async () => {
    await app?.close();
    await server?.close();
    app = undefined;
    server = undefined;
  });

  const start = async (protocolVersion: string) => {
    server = await startRawMcpServer({ protocolVersion });
    app = await startClientApp({ servers: { [CLIENT]: { url: server.url } }, dlq: false });
    return { server, app };
  };

  it('ends the session it created with DELETE, then fails with a typed error', async () => {
    const { server, app } = await start('1999-01-01');
    const error = await app.client.connect(CLIENT).catch((e: unknown) => e);
    expect(isMcpProtocolError(error)).toBe(true);
    expect((error as Error).message).toMatch(/1999-01-01/);
    expect(server.deletedSessions).toEqual(['raw-session-1']);
    expect(server.liveSessions()).toEqual([]);
    const methods = server.requests.map((r) => r.message?.method ?? r.httpMethod);
    // The server/discover probe found a 2025-era server; initialize then named a version unknown.
    expect(methods).toEqual(['server/discover', 'initialize', 'DELETE']);
    expect(app.client.getSession(CLIENT)).toBeUndefined();
  });

  it('leaves no session behind however often connectWithRetry tries', async () => {
    const { server, app } = await start('1999-01-01');
    await expect(app.client.connectWithRetry(CLIENT)).rejects.toThrow(/1999-01-01/);
    const initializes = server.requests.filter((r) => r.message?.method === 'initialize');
    expect(initializes.length).toBeGreaterThanOrEqual(1);
    expect(server.deletedSessions).toHaveLength(initializes.length);
    expect(server.liveSessions()).toEqual([]);
  });

  it('keeps the session of a supported older version (no DELETE)', async () => {
    const { server, app } = await start('2025-03-26');
    const session = await app.client.connect(CLIENT);
    expect(session.protocolVersion).toBe('2025-03-26');
    expect(server.deletedSessions).toEqual([]);
    expect(server.liveSessions()).toEqual([session.sessionId]);
  });
});
