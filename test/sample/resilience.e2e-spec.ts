import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { faults, type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { bodyOf, type SampleTestApp, startSampleApp } from './support/sample-test-app.js';

interface HealthBody {
  status: string;
  details: Record<string, { status: string } & Record<string, unknown>>;
}

describe('sample app: resilience from the environment, circuits in /health', () => {
  let server: CountingToolsServer;
  let proxy: FaultProxy;
  let sample: SampleTestApp;

  beforeAll(async () => {
    server = await startCountingToolsServer();
    proxy = await startFaultProxy(server.url);
    sample = await startSampleApp({
      FASTMCP_DLQ: 'memory',
      FASTMCP_RETRY_MAX_RETRIES: '0',
      // Module level: a breaker for every server; `unguarded` turns it off for itself.
      FASTMCP_RESILIENCE: JSON.stringify({
        circuitBreaker: { consecutiveFailures: 2, openMs: 60_000 },
      }),
      FASTMCP_SERVERS: JSON.stringify({
        guarded: { url: proxy.url },
        unguarded: { url: proxy.url, resilience: { circuitBreaker: false } },
      }),
    });
  });
  afterEach(() => {
    proxy.clear();
    proxy.clearRequests();
  });
  afterAll(async () => {
    await sample?.close();
    await proxy?.close();
    await server?.close();
  });

  const call = (clientId: string, id: string) =>
    sample.http
      .post(`/mcp/clients/${clientId}/tools/lookup/call`)
      .set(sample.auth)
      .send({ arguments: { id } });
  const toolCallsSeen = (): number =>
    proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call').length;
  const failNext = (times: number): void =>
    void proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503), times });

  it('a server with its own `resilience: { circuitBreaker: false }` never opens', async () => {
    failNext(3);
    for (const id of ['u1', 'u2', 'u3']) await call('unguarded', id).expect(502);
    expect(toolCallsSeen()).toBe(3);
    await call('unguarded', 'u4').expect(200);
    const health = bodyOf<HealthBody>(await sample.http.get('/health').expect(200));
    expect(health.details.circuits).toEqual({ status: 'up' });
  });

  it('/health reports `circuits` down while a circuit is open, though the server is up', async () => {
    failNext(2);
    await call('guarded', 'g1').expect(502);
    await call('guarded', 'g2').expect(502);
    const refused = await call('guarded', 'g3').expect(503);
    expect(bodyOf(refused)).toMatchObject({ code: 'CircuitOpenError', clientId: 'guarded' });
    expect(toolCallsSeen()).toBe(2);

    const response = await sample.http.get('/health').expect(503);
    const health = bodyOf<HealthBody>(response);
    expect(health.status).toBe('error');
    expect(health.details.circuits).toEqual({ status: 'down', guarded: 'open', open: ['guarded'] });
    expect(health.details['mcp:guarded'].status).toBe('up');
    expect(health.details['mcp:unguarded'].status).toBe('up');
    const metrics = await sample.registry.metrics();
    expect(metrics).toContain('fastmcp_circuit_state{server="guarded"} 2');
    expect(metrics).toContain('fastmcp_circuit_transitions_total{server="guarded",to="open"} 1');
  });
});
