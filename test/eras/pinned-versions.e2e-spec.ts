import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMcpUnsupportedVersionError, type McpUnsupportedVersionError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type EraServerHandle, startEraServer } from '../support/era-server/era-server.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';

describe('a pinned protocol version skips the guess', () => {
  let dual: EraServerHandle;
  let legacy: EraServerHandle;
  let app: ClientTestApp;

  beforeAll(async () => {
    [dual, legacy] = await Promise.all([startEraServer('dual'), startEraServer('legacy')]);
    app = await startClientApp({
      servers: {
        dual2025: { url: dual.url, protocolVersion: '2025-11-25' },
        dual2026: { url: dual.url, protocolVersion: '2026-07-28' },
        legacy2026: { url: legacy.url, protocolVersion: '2026-07-28' },
      },
      dlq: false,
    });
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([dual?.close(), legacy?.close()]);
  });

  it('2025-11-25 on a dual server: initialize at once, no probe', async () => {
    const session = await app.client.connect('dual2025');
    expect(session).toMatchObject({ era: 'legacy', protocolVersion: '2025-11-25' });
    expect(session.sessionId).toBeUndefined(); // the SDK serves 2025 statelessly here
    const methods = dual.requests.map((r) => r.body?.method);
    expect(methods).toEqual(['initialize', 'notifications/initialized']);
    const result = await app.client.callTool('dual2025', 'echo', { text: 'pinned' });
    expect(result.content).toEqual([{ type: 'text', text: 'pinned (legacy)' }]);
  });

  it('2026-07-28 on a dual server: the modern era', async () => {
    const session = await app.client.connect('dual2026');
    expect(session).toMatchObject({ era: 'modern', protocolVersion: '2026-07-28' });
  });

  it('2026-07-28 on a 2025-only server: a typed error, no fallback to initialize', async () => {
    const error = (await app.client
      .connect('legacy2026')
      .catch((e: unknown) => e)) as McpUnsupportedVersionError;
    expect(isMcpUnsupportedVersionError(error)).toBe(true);
    expect(error.clientVersions).toEqual(['2026-07-28']);
    expect(legacy.requests.map((r) => r.body?.method)).toEqual(['server/discover']);
  });
});

describe('what a server says back about its versions is scrubbed', () => {
  const SECRET = 'sekret-token-4711';
  let server: EraServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startEraServer('modern');
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({
      servers: {
        pinned: {
          url: proxy.url,
          protocolVersion: '2026-07-28',
          headers: { authorization: `Bearer ${SECRET}` },
        },
      },
      dlq: false,
    });
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  it('names the versions of a discover result without the configured header value', async () => {
    // The app's first request (id 1) is the probe: answered with a version list that echoes
    // the Authorization header.
    const result = { supportedVersions: [`Bearer ${SECRET}`], capabilities: {} };
    proxy.inject({
      match: { method: 'server/discover' },
      fault: faults.status(200, { body: { jsonrpc: '2.0', id: 1, result } }),
      times: 1,
    });
    const error = (await app.client
      .connect('pinned')
      .catch((e: unknown) => e)) as McpUnsupportedVersionError;
    expect(isMcpUnsupportedVersionError(error)).toBe(true);
    expect(error.serverVersions).toHaveLength(1);
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error.serverVersions)).not.toContain(SECRET);
  });
});
