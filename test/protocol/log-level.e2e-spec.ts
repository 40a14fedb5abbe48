// servers.*.logLevel: a 2025 session asks for log messages with logging/setLevel (an official
// SDK 1.x server then drops the lower ones), a 2026-07-28 request carries the level in _meta.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FastMcpConfigError, resolveOptions, type ServerMessageEvent } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startEraServer, type EraServerHandle } from '../support/era-server/era-server.js';
import { type SdkSessionsServer, serveSdkSessions } from '../support/sdk-sessions-server.js';

/** `log_twice` logs an info line and an error line through the SDK's per-session level filter. */
function startLoggingServer(): Promise<SdkSessionsServer> {
  return serveSdkSessions(() => {
    const mcp = new McpServer(
      { name: 'logging', version: '1.0.0' },
      { capabilities: { logging: {} } },
    );
    mcp.registerTool('log_twice', {}, async (extra) => {
      await mcp.sendLoggingMessage({ level: 'info', data: 'info line' }, extra.sessionId);
      await mcp.sendLoggingMessage({ level: 'error', data: 'error line' }, extra.sessionId);
      return { content: [{ type: 'text', text: 'logged' }] };
    });
    return mcp;
  });
}

describe('logLevel on a 2025 session', () => {
  let server: SdkSessionsServer;
  let app: ClientTestApp | undefined;

  beforeAll(async () => {
    server = await startLoggingServer();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await server?.close();
  });

  const logged = async (logLevel?: 'warning') => {
    app = await startClientApp({
      servers: { logs: { url: server.url, listen: true, ...(logLevel ? { logLevel } : {}) } },
      dlq: false,
    });
    const lines: ServerMessageEvent[] = [];
    app.events.on('server.message', (event) => lines.push(event));
    await app.client.callTool('logs', 'log_twice');
    return lines;
  };

  it('sends logging/setLevel after the handshake: the server then sends only lines at that level or above', async () => {
    const lines = await logged('warning');
    await vi.waitFor(() => expect(lines.map((l) => l.data)).toEqual(['error line']));
  });

  it('sends no logging/setLevel without a logLevel: the server sends every line', async () => {
    const lines = await logged();
    await vi.waitFor(() => expect(lines.map((l) => l.data)).toEqual(['info line', 'error line']));
  });
});

describe('logLevel on a 2026-07-28 server', () => {
  let server: EraServerHandle;

  beforeAll(async () => {
    server = await startEraServer('modern');
  });
  afterAll(async () => {
    await server?.close();
  });

  const metaLevels = () =>
    server.requests
      .filter((request) => request.body?.method === 'tools/call')
      .map(
        (request) =>
          (request.body?.params?._meta as Record<string, unknown>)?.[
            'io.modelcontextprotocol/logLevel'
          ],
      );

  it("puts the level in every request's _meta, and no level without one", async () => {
    for (const logLevel of ['info', undefined] as const) {
      const app = await startClientApp({
        servers: { modern: { url: server.url, ...(logLevel ? { logLevel } : {}) } },
        dlq: false,
      });
      try {
        await app.client.callTool('modern', 'echo', { text: 'hi' });
      } finally {
        await app.close();
      }
    }
    expect(metaLevels()).toEqual(['info', undefined]);
  });
});

describe('logLevel in the options', () => {
  it('must be one of the MCP levels, named by its field', () => {
    const error = (() => {
      try {
        resolveOptions({
          servers: { x: { url: 'http://127.0.0.1:9/mcp', logLevel: 'verbose' as never } },
        });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FastMcpConfigError);
    expect((error as FastMcpConfigError).issues.map((issue) => issue.field)).toEqual([
      'servers.x.logLevel',
    ]);
  });
});
