import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FASTMCP_RESOLVED_OPTIONS,
  FastMcpEvents,
  isMcpUnsupportedVersionError,
  type McpUnsupportedVersionError,
  type ResolvedFastMcpOptions,
  systemClock,
} from '@app/fastmcp';
import { ServerMessageDispatcher } from '../../libs/fastmcp/src/protocol/server-message.dispatcher.js';
import { RetryRun } from '../../libs/fastmcp/src/retry/retry-run.js';
import { ModernConnection } from '../../libs/fastmcp/src/session/modern-connection.js';
import { McpHttpTransport } from '../../libs/fastmcp/src/transport/mcp-http.transport.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type EraServerHandle, startEraServer } from '../support/era-server/era-server.js';

/**
 * The -32022 switch needs a second modern revision, which does not exist yet: a connection that
 * offers a future one first (2027-01-01) stands in for a client newer than its server.
 */
describe('-32022 on a modern request: one retry with a version from data.supported', () => {
  let server: EraServerHandle;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startEraServer('modern');
    app = await startClientApp({ servers: { m: { url: server.url } }, dlq: false });
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  function connection(versions: string[]): ModernConnection {
    const get = <T>(token: unknown) => app.moduleRef.get<T>(token as never, { strict: false });
    const options = get<ResolvedFastMcpOptions>(FASTMCP_RESOLVED_OPTIONS);
    const deps = {
      transport: get<McpHttpTransport>(McpHttpTransport),
      dispatcher: get<ServerMessageDispatcher>(ServerMessageDispatcher),
      client: { clientInfo: options.clientInfo, capabilities: {} },
      versions,
      legacyVersions: [],
    };
    const session = {
      clientId: 'm',
      url: server.url,
      protocolVersion: versions[0],
      era: 'modern' as const,
      serverInfo: { name: 'unknown', version: 'unknown' },
      capabilities: {},
    };
    const target = {
      url: server.url,
      headers: {},
      era: 'modern' as const,
      protocolVersion: versions[0],
    };
    return new ModernConnection(deps, session, target);
  }

  function run(): RetryRun {
    const options = app.moduleRef.get<ResolvedFastMcpOptions>(FASTMCP_RESOLVED_OPTIONS, {
      strict: false,
    });
    return new RetryRun({
      operation: 'call_tool',
      clientId: 'm',
      policy: options.retry,
      clock: systemClock,
      events: app.moduleRef.get(FastMcpEvents),
    });
  }

  const versionsSent = () =>
    server.requests
      .filter((r) => r.body?.method === 'tools/call')
      .map((r) => r.headers['mcp-protocol-version']);

  it('switches to the version both support and keeps it', async () => {
    const modern = connection(['2027-01-01', '2026-07-28']);
    const result = await modern.request(
      'tools/call',
      { name: 'echo', arguments: { text: 'v' } },
      run(),
    );
    expect(result.content).toEqual([{ type: 'text', text: 'v (modern)' }]);
    expect(modern.target.protocolVersion).toBe('2026-07-28');
    expect(versionsSent()).toEqual(['2027-01-01', '2026-07-28']);
  });

  it('fails with both lists, after one request, when none is shared', async () => {
    server.requests.length = 0;
    const error = (await connection(['2027-01-01'])
      .request('tools/call', { name: 'echo', arguments: { text: 'v' } }, run())
      .catch((e: unknown) => e)) as McpUnsupportedVersionError;
    expect(isMcpUnsupportedVersionError(error)).toBe(true);
    expect(error.serverVersions).toEqual(['2026-07-28']);
    expect(error.clientVersions).toEqual(['2027-01-01']);
    expect(error.data).toEqual({ supported: ['2026-07-28'], requested: '2027-01-01' });
    expect(versionsSent()).toEqual(['2027-01-01']);
  });
});
