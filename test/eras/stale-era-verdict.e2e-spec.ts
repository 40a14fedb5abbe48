// One odd answer to the era probe (a proxy's 404 to `server/discover`) must not hold a
// 2026-07-28 server to `initialize`: a refusal of the handshake that names a version this client
// speaks is probed again at once, and any failed handshake leaves no verdict for the next call.
import { afterEach, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type EraServerHandle, startEraServer } from '../support/era-server/era-server.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { type RawModernServerHandle, startRawModernServer } from '../support/raw-modern-server.js';

let modern: EraServerHandle | RawModernServerHandle | undefined;
let proxy: FaultProxy | undefined;
let app: ClientTestApp | undefined;

afterEach(async () => {
  await app?.close();
  await proxy?.close();
  await modern?.close();
});

async function behindProxy(url: string): Promise<{ proxy: FaultProxy; app: ClientTestApp }> {
  proxy = await startFaultProxy(url);
  app = await startClientApp({ servers: { m: { url: proxy.url } }, dlq: false });
  proxy.inject({ match: { method: 'server/discover' }, fault: faults.status(404), times: 1 });
  return { proxy, app };
}

it('probes again when initialize is refused with a version this client speaks (SDK server)', async () => {
  modern = await startEraServer('modern');
  const { proxy, app } = await behindProxy(modern.url);
  const result = await app.client.callToolWithRetry('m', 'echo', { text: 'a' });
  expect(result.content).toEqual([{ type: 'text', text: 'a (modern)' }]);
  expect(app.client.getSession('m')).toMatchObject({ era: 'modern' });
  expect(proxy.requests.map((r) => `${r.jsonRpcMethod}:${r.status}`)).toEqual([
    'server/discover:404',
    'initialize:400',
    'server/discover:200',
    'tools/call:200',
  ]);
});

it('keeps no legacy verdict after initialize fails: the next call probes again', async () => {
  const raw = await startRawModernServer((m) =>
    m.method === 'tools/call' ? { content: [{ type: 'text', text: 'ok' }] } : undefined,
  );
  modern = raw;
  const { app } = await behindProxy(raw.url);
  // The probe's 404 reads as a 2025 server; this one answers initialize with -32601 (404).
  await expect(app.client.callToolWithRetry('m', 'echo', {})).rejects.toThrow(/404/);
  const result = await app.client.callToolWithRetry('m', 'echo', {});
  expect(result.content).toEqual([{ type: 'text', text: 'ok' }]);
  expect(raw.requestsOf('tools/call')).toHaveLength(1);
});
