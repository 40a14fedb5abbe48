import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import { CircuitOpenError } from '../errors/circuit-open.error.js';
import type { FastMcpError } from '../errors/fastmcp.error.js';
import { McpAbortedError } from '../errors/mcp-aborted.error.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { McpTimeoutError } from '../errors/mcp-timeout.error.js';
import { McpTransportError } from '../errors/mcp-transport.error.js';
import type { CircuitTransitionEvent } from '../events/fastmcp-events.interface.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { DEFAULT_CIRCUIT_BREAKER } from '../options/resilience-defaults.js';
import type { CircuitBreakerOptions } from '../options/resilience-options.interface.js';
import type { Admission } from './attempt-policy.interface.js';
import { CircuitBreakerPolicy } from './circuit-breaker.policy.js';

const ATTEMPT = { server: 'pay', operation: 'call_tool' } as const;

/** The stamp the pipeline hands back with an admitted attempt's outcome. */
const stampOf = (admission: Admission): number | undefined =>
  admission.admitted ? admission.stamp : undefined;

function breaker(options: Partial<CircuitBreakerOptions> = {}) {
  const clock = new FakeClock();
  const events = new FastMcpEvents();
  const transitions: CircuitTransitionEvent[] = [];
  events.on('circuit.transition', (e) => transitions.push(e));
  const policy = new CircuitBreakerPolicy(
    {
      server: 'pay',
      clock,
      events,
      options: { circuitBreaker: false, retryBudget: false, rateLimit: false },
    },
    { ...DEFAULT_CIRCUIT_BREAKER, consecutiveFailures: 3, openMs: 1000, ...options },
  );
  const fail = (error: FastMcpError = new McpHttpError(503)): void =>
    policy.onFailure(ATTEMPT, error, 'unknown');
  return { clock, policy, transitions, fail };
}

// The half-open timer runs on fake time: it fires only when a test moves it.
beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => void vi.useRealTimers());

describe('CircuitBreakerPolicy', () => {
  it('opens after N consecutive failures and fails fast while open', () => {
    const { policy, transitions, fail } = breaker();
    fail();
    fail();
    expect(policy.admit(ATTEMPT)).toMatchObject({ admitted: true });
    fail();
    expect(policy.current).toBe('open');
    const refused = policy.admit(ATTEMPT);
    expect(refused.admitted).toBe(false);
    expect(!refused.admitted && refused.error).toBeInstanceOf(CircuitOpenError);
    expect(transitions).toEqual([{ server: 'pay', from: 'closed', to: 'open' }]);
  });

  it('a success resets the consecutive count', () => {
    const { policy, fail } = breaker();
    fail();
    fail();
    policy.onSuccess(ATTEMPT);
    fail();
    fail();
    expect(policy.current).toBe('closed');
  });

  it('counts transport failures, timeouts and 5xx; never 4xx, protocol errors or aborts', () => {
    const { policy, fail } = breaker({ consecutiveFailures: 1 });
    fail(new McpHttpError(404));
    fail(new McpHttpError(429));
    fail(new McpProtocolError(-32602, 'bad'));
    fail(new McpAbortedError());
    fail(new McpTransportError('session_lost', 'gone'));
    fail(new McpTimeoutError('budget', 10));
    expect(policy.current).toBe('closed');
    fail(new McpTimeoutError('attempt', 10));
    expect(policy.current).toBe('open');
    for (const error of [new McpTransportError('network', 'x'), new McpHttpError(502)]) {
      const again = breaker({ consecutiveFailures: 1 });
      again.fail(error);
      expect(again.policy.current).toBe('open');
    }
  });

  it('after openMs lets N probes through half-open, and closes when all succeed', () => {
    const { clock, policy, transitions, fail } = breaker({ halfOpenProbes: 2 });
    fail();
    fail();
    fail();
    clock.advance(999);
    expect(policy.admit(ATTEMPT).admitted).toBe(false);
    clock.advance(1);
    expect(policy.admit(ATTEMPT).admitted).toBe(true);
    expect(policy.current).toBe('half_open');
    expect(policy.admit(ATTEMPT).admitted).toBe(true);
    expect(policy.admit(ATTEMPT).admitted).toBe(false);
    policy.onSuccess(ATTEMPT);
    expect(policy.current).toBe('half_open');
    policy.onSuccess(ATTEMPT);
    expect(policy.current).toBe('closed');
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half_open', 'closed']);
  });

  it('opens again when a probe fails', () => {
    const { clock, policy, fail } = breaker();
    fail();
    fail();
    fail();
    clock.advance(1000);
    expect(policy.admit(ATTEMPT).admitted).toBe(true);
    fail();
    expect(policy.current).toBe('open');
    const refused = policy.admit(ATTEMPT);
    expect(!refused.admitted && (refused.error as CircuitOpenError).retryAt).toBe(
      clock.now() + 1000,
    );
  });

  it('in rate mode opens when the failure rate over the window passes the threshold', () => {
    const { policy, fail } = breaker({
      mode: 'rate',
      failureRate: 0.5,
      minimumAttempts: 4,
      windowMs: 10_000,
    });
    policy.onSuccess(ATTEMPT);
    policy.onSuccess(ATTEMPT);
    fail();
    expect(policy.current).toBe('closed');
    fail();
    expect(policy.current).toBe('open');
    const later = breaker({ mode: 'rate', failureRate: 0.5, minimumAttempts: 4, windowMs: 2000 });
    later.fail();
    later.fail();
    later.clock.advance(5000);
    later.policy.onSuccess(ATTEMPT);
    later.policy.onSuccess(ATTEMPT);
    later.fail();
    expect(later.policy.current).toBe('closed');
  });

  it('turns half-open after openMs without a call, once, however the timer and a call race', () => {
    const { clock, policy, transitions, fail } = breaker({ consecutiveFailures: 1 });
    fail();
    vi.advanceTimersByTime(999);
    expect(policy.current).toBe('open');
    vi.advanceTimersByTime(1);
    expect(policy.current).toBe('half_open');
    clock.advance(1000);
    const probe = policy.admit(ATTEMPT);
    expect(probe.admitted).toBe(true);
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half_open']);

    policy.onFailure(ATTEMPT, new McpHttpError(503), 'unknown', stampOf(probe));
    clock.advance(1000);
    // A call comes first this time: it half-opens the circuit, and the timer does nothing more.
    expect(policy.admit(ATTEMPT).admitted).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half_open', 'open', 'half_open']);
  });

  it('keeps a timer only while open: cleared on leaving open and by dispose, none after', () => {
    const { clock, policy, fail } = breaker({ consecutiveFailures: 1 });
    fail();
    expect(vi.getTimerCount()).toBe(1);
    clock.advance(1000);
    const probe = policy.admit(ATTEMPT);
    expect(vi.getTimerCount()).toBe(0);
    policy.onSuccess(ATTEMPT, stampOf(probe));
    expect(policy.current).toBe('closed');
    fail();
    expect(vi.getTimerCount()).toBe(1);
    policy.dispose();
    expect(vi.getTimerCount()).toBe(0);
    clock.advance(1000);
    policy.onFailure(ATTEMPT, new McpHttpError(503), 'unknown', stampOf(policy.admit(ATTEMPT)));
    expect(policy.current).toBe('open');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a slow success admitted while closed does not close the circuit while the probe is out', () => {
    const { clock, policy, transitions } = breaker({ consecutiveFailures: 1 });
    const slow = stampOf(policy.admit(ATTEMPT));
    policy.onFailure(ATTEMPT, new McpHttpError(503), 'unknown', stampOf(policy.admit(ATTEMPT)));
    clock.advance(1000);
    const probe = stampOf(policy.admit(ATTEMPT));
    policy.onSuccess(ATTEMPT, slow);
    expect(policy.current).toBe('half_open');
    expect(policy.admit(ATTEMPT).admitted).toBe(false);
    policy.onSuccess(ATTEMPT, probe);
    expect(policy.current).toBe('closed');
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half_open', 'closed']);
  });

  it("a late failure does not open it again under the probe; the probe's success closes it", () => {
    const { clock, policy, transitions } = breaker({ consecutiveFailures: 1 });
    const late = [1, 2, 3].map(() => stampOf(policy.admit(ATTEMPT)));
    const error = new McpTimeoutError('attempt', 10);
    policy.onFailure(ATTEMPT, error, 'unknown', stampOf(policy.admit(ATTEMPT)));
    policy.onFailure(ATTEMPT, error, 'unknown', late[0]);
    expect(policy.current).toBe('open');
    clock.advance(1000);
    const probe = stampOf(policy.admit(ATTEMPT));
    policy.onFailure(ATTEMPT, error, 'unknown', late[1]);
    expect(policy.current).toBe('half_open');
    policy.onSuccess(ATTEMPT, probe);
    expect(policy.current).toBe('closed');
    // Closed again, a late failure counts as it always did.
    policy.onFailure(ATTEMPT, error, 'unknown', late[2]);
    expect(policy.current).toBe('open');
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half_open', 'closed', 'open']);
  });
});
