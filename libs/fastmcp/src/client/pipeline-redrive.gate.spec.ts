import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { resolveOptions } from '../options/resolve-options.js';
import { ServerPipelines } from '../pipeline/server-pipelines.js';
import { PipelineRedriveGate } from './pipeline-redrive.gate.js';

const ATTEMPT = { server: 'pay', operation: 'call_tool' } as const;

function setup() {
  const clock = new FakeClock(undefined, false);
  const options = resolveOptions({
    servers: {
      pay: {
        url: 'http://127.0.0.1:1/mcp',
        resilience: {
          circuitBreaker: { consecutiveFailures: 2, openMs: 1000 },
          rateLimit: { requestsPerSecond: 1, maxConcurrent: 1, maxQueue: 10 },
        },
      },
      free: { url: 'http://127.0.0.1:2/mcp', resilience: { circuitBreaker: false } },
    },
  });
  const pipelines = new ServerPipelines(options, clock, new FastMcpEvents());
  return { clock, pipelines, gate: new PipelineRedriveGate(pipelines) };
}

describe('PipelineRedriveGate', () => {
  it('holds redrives while the circuit is open, and lets them go once openMs is over', () => {
    const { clock, pipelines, gate } = setup();
    const pay = pipelines.forServer('pay');
    expect(gate.holdReason('pay')).toBeNull();
    pay.failed(ATTEMPT, new McpHttpError(503), 'not_delivered');
    pay.failed(ATTEMPT, new McpHttpError(503), 'not_delivered');
    expect(gate.holdReason('pay')).toBe('circuit open');
    expect(gate.holdReason('free')).toBeNull();
    clock.advance(1000);
    expect(gate.holdReason('pay')).toBeNull();
  });

  it('holds redrives while calls wait in the server rate limit queue', async () => {
    const { clock, pipelines, gate } = setup();
    const pay = pipelines.forServer('pay');
    const release = await pay.admit(ATTEMPT);
    const waiting = pay.admit(ATTEMPT);
    await vi.waitFor(() => expect(gate.holdReason('pay')).toBe('rate limit queue'));
    release();
    clock.advance(1000);
    (await waiting)();
    expect(gate.holdReason('pay')).toBeNull();
  });
});
