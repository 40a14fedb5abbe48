// A tools/call refused with -32020 (header mismatch) did not run: the client lists the tools
// again and resends it. When that listing fails (a 502), the call is still one that never ran,
// so it is retried, not reported as delivery unknown and kept out of redrive.
import { afterEach, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { type RawModernServerHandle, startRawModernServer } from '../support/raw-modern-server.js';

let server: RawModernServerHandle | undefined;
let proxy: FaultProxy | undefined;
let app: ClientTestApp | undefined;

afterEach(async () => {
  await app?.close();
  await proxy?.close();
  await server?.close();
});

it('retries a call refused with -32020 whose re-listing met a 502: it runs once', async () => {
  let calls = 0;
  server = await startRawModernServer((m) => {
    if (m.method === 'tools/list') {
      return { tools: [{ name: 'pay', inputSchema: { type: 'object' } }] };
    }
    if (m.method !== 'tools/call') return undefined;
    calls += 1;
    if (calls > 1) return { content: [{ type: 'text', text: 'paid' }] };
    return (res, message) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      const error = { code: -32020, message: 'header mismatch' };
      res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error }));
    };
  });
  proxy = await startFaultProxy(server.url);
  app = await startClientApp({ servers: { m: { url: proxy.url } }, dlq: false });
  await app.client.listToolsWithRetry('m');
  proxy.inject({ match: { method: 'tools/list' }, fault: faults.status(502), times: 1 });
  const result = await app.client.callToolWithRetry('m', 'pay', {});
  expect(result.content).toEqual([{ type: 'text', text: 'paid' }]);
  // The refused call, then the retry that ran.
  expect(calls).toBe(2);
});
