import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { resolveOptions } from '../options/resolve-options.js';
import { ServerPipelines } from './server-pipelines.js';

const ATTEMPT = { server: 'pay', operation: 'call_tool' } as const;

function setup() {
  const clock = new FakeClock(undefined, false);
  const options = resolveOptions({
    servers: {
      pay: {
        url: 'http://127.0.0.1:1/mcp',
        resilience: { circuitBreaker: { consecutiveFailures: 1, openMs: 1000 } },
      },
    },
  });
  return { clock, pipelines: new ServerPipelines(options, clock, new FastMcpEvents()) };
}

// The half-open timer runs on fake time: it fires only when a test moves it.
beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => void vi.useRealTimers());

describe('ServerPipelines', () => {
  it("gives each operation its own pipeline, so a slow call's success is not the probe's", async () => {
    const { clock, pipelines } = setup();
    const slow = pipelines.forServer('pay');
    await slow.admit(ATTEMPT);
    const failing = pipelines.forServer('pay');
    await failing.admit(ATTEMPT);
    failing.failed(ATTEMPT, new McpHttpError(503), 'unknown');
    clock.advance(1000);
    const probe = pipelines.forServer('pay');
    await probe.admit(ATTEMPT);

    slow.succeeded(ATTEMPT);
    expect(pipelines.circuitStates()).toEqual({ pay: 'half_open' });
    await expect(pipelines.forServer('pay').admit(ATTEMPT)).rejects.toThrow(/circuit/i);
    probe.succeeded(ATTEMPT);
    expect(pipelines.circuitStates()).toEqual({ pay: 'closed' });
  });

  it('takes retry-budget deposits only from attempts the rate limit let out', async () => {
    const options = resolveOptions({
      servers: {
        pay: {
          url: 'http://127.0.0.1:1/mcp',
          resilience: {
            circuitBreaker: false,
            retryBudget: { ratio: 0.5, minPerSecond: 0.1 },
            rateLimit: { maxConcurrent: 1, maxQueue: 0, requestsPerSecond: 1000 },
          },
        },
      },
    });
    const pipelines = new ServerPipelines(
      options,
      new FakeClock(undefined, false),
      new FastMcpEvents(),
    );
    await pipelines.forServer('pay').admit(ATTEMPT);
    for (let i = 0; i < 10; i += 1) {
      await expect(pipelines.forServer('pay').admit(ATTEMPT)).rejects.toThrow(/rate/i);
    }
    // A reserve of 1 token, plus 0.5 from the one attempt sent: one retry, not six.
    const retry = pipelines.forServer('pay');
    expect([1, 2].map(() => retry.allowRetry(ATTEMPT).allowed)).toEqual([true, false]);
  });

  it('reports half_open once openMs is over without a call; stops the timer at shutdown', async () => {
    const { pipelines } = setup();
    const pay = pipelines.forServer('pay');
    await pay.admit(ATTEMPT);
    pay.failed(ATTEMPT, new McpHttpError(503), 'unknown');
    expect(pipelines.circuitStates()).toEqual({ pay: 'open' });
    vi.advanceTimersByTime(1000);
    expect(pipelines.circuitStates()).toEqual({ pay: 'half_open' });

    await pay.admit(ATTEMPT);
    pay.failed(ATTEMPT, new McpHttpError(503), 'unknown');
    expect(vi.getTimerCount()).toBe(1);
    pipelines.onApplicationShutdown();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("forgets a server: stops its open breaker's timer, and its next pipeline starts closed", async () => {
    const { pipelines } = setup();
    const pay = pipelines.forServer('pay');
    await pay.admit(ATTEMPT);
    pay.failed(ATTEMPT, new McpHttpError(503), 'unknown');
    expect(pipelines.circuitStates()).toEqual({ pay: 'open' });

    pipelines.forget('pay');
    expect(vi.getTimerCount()).toBe(0);
    expect(pipelines.circuitStates()).toEqual({});
    expect(pipelines.serverCount).toBe(0);
    await expect(pipelines.forServer('pay').admit(ATTEMPT)).resolves.toBeTypeOf('function');
  });
});
