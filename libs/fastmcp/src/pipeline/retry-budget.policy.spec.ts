import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import type { RetryBudgetExhaustedEvent } from '../events/fastmcp-events.interface.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { RetryBudgetPolicy } from './retry-budget.policy.js';

const ATTEMPT = { server: 's', operation: 'call_tool' } as const;
const OFF = { circuitBreaker: false, retryBudget: false, rateLimit: false } as const;

function budget(ratio: number, minPerSecond: number) {
  const clock = new FakeClock();
  const events = new FastMcpEvents();
  const exhausted: RetryBudgetExhaustedEvent[] = [];
  events.on('retry.budget_exhausted', (e) => exhausted.push(e));
  const policy = new RetryBudgetPolicy(
    { server: 's', clock, events, options: OFF },
    { ratio, minPerSecond },
  );
  const drain = (): number => {
    let allowed = 0;
    while (policy.allowRetry(ATTEMPT).allowed) allowed += 1;
    return allowed;
  };
  return { clock, policy, exhausted, drain };
}

describe('RetryBudgetPolicy', () => {
  it('starts with ten seconds of minPerSecond, then vetoes a burst of retries', () => {
    const { policy, exhausted, drain } = budget(0.1, 2);
    expect(drain()).toBe(20);
    expect(policy.allowRetry(ATTEMPT)).toEqual({
      allowed: false,
      reason: 'retry budget of s is empty',
    });
    expect(exhausted.length).toBeGreaterThanOrEqual(1);
    expect(exhausted[0]).toEqual({ server: 's', clientId: 's', operation: 'call_tool' });
  });

  it('allows ratio retries per request sent', () => {
    const { policy, drain } = budget(0.1, 0);
    expect(drain()).toBe(1);
    for (let i = 0; i < 100; i += 1) policy.admit();
    expect(drain()).toBe(10);
  });

  it('refills minPerSecond tokens a second on its own', () => {
    const { clock, drain } = budget(0, 5);
    drain();
    clock.advance(1000);
    expect(drain()).toBe(5);
    clock.advance(60_000);
    expect(drain()).toBe(50);
  });
});
