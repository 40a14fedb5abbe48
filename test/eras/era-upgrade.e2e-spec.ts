// A server that changes era behind its URL, and one whose versions are none of the client's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMcpUnsupportedVersionError, type McpUnsupportedVersionError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type EraServerHandle, startEraServer } from '../support/era-server/era-server.js';
import { type EraSwitch, startEraSwitch } from '../support/era-server/era-switch.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';

describe('a 2025 session whose server is upgraded to 2026-07-28 only', () => {
  let legacy: EraServerHandle;
  let modern: EraServerHandle;
  let front: EraSwitch;
  let app: ClientTestApp;

  beforeAll(async () => {
    [legacy, modern] = await Promise.all([startEraServer('legacy'), startEraServer('modern')]);
    front = await startEraSwitch(legacy);
    app = await startClientApp({ servers: { svc: { url: front.url } }, dlq: false });
  });

  afterAll(async () => {
    await app?.close();
    await front?.close();
    await Promise.all([legacy?.close(), modern?.close()]);
  });

  it('takes the version error as a lost session: probes again and runs the call once, in the new era', async () => {
    expect((await app.client.connect('svc')).era).toBe('legacy');
    front.switchTo(modern);

    // A tool not marked safe to repeat: the refused request never ran, so it is sent again.
    const result = await app.client.callTool('svc', 'echo', { text: 'upgraded' });
    expect(result.content).toEqual([{ type: 'text', text: 'upgraded (modern)' }]);
    expect(modern.runs.get('echo')).toBe(1);
    expect(legacy.runs.get('echo')).toBeUndefined();
    expect(app.client.getSession('svc')).toMatchObject({
      era: 'modern',
      protocolVersion: '2026-07-28',
    });
    expect(modern.requests.map((r) => r.body?.method)).toEqual([
      'tools/call',
      'initialize',
      'server/discover',
      'tools/call',
    ]);
    expect(app.retries.map((r) => r.reason)).not.toContain('http_400');
  });
});

describe('a modern server whose versions are none of the client’s', () => {
  let server: EraServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startEraServer('modern');
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({ servers: { future: { url: proxy.url } }, dlq: false });
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  it('fails with both lists when initialize is refused after a discover result naming only newer versions', async () => {
    // The app's first request (id 1) is the probe.
    const result = { supportedVersions: ['2027-01-01'], capabilities: { tools: {} } };
    proxy.inject({
      match: { method: 'server/discover' },
      fault: faults.status(200, { body: { jsonrpc: '2.0', id: 1, result } }),
      times: 1,
    });
    // The refusal of initialize names the same versions (one naming a version this client
    // speaks would be probed again: stale-era-verdict.e2e-spec.ts).
    const refusal = { code: -32022, message: 'unsupported', data: { supported: ['2027-01-01'] } };
    proxy.inject({
      match: { method: 'initialize' },
      fault: faults.status(400, { body: { jsonrpc: '2.0', id: 2, error: refusal } }),
      times: 1,
    });
    const error = (await app.client
      .listTools('future')
      .catch((e: unknown) => e)) as McpUnsupportedVersionError;
    expect(isMcpUnsupportedVersionError(error)).toBe(true);
    expect(error.serverVersions).toEqual(['2027-01-01']);
    expect(error.clientVersions).toEqual(['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26']);
    expect(error.delivery).toBe('not_delivered');
    expect(proxy.requests.map((r) => r.jsonRpcMethod)).toEqual(['server/discover', 'initialize']);
  });
});
