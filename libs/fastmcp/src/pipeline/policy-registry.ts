import type { AttemptPolicy } from './attempt-policy.interface.js';
import { circuitBreakerPolicy } from './circuit-breaker.policy.js';
import type { PolicyContext } from './policy-context.js';
import { rateLimitPolicy } from './rate-limit.policy.js';
import { retryBudgetPolicy } from './retry-budget.policy.js';

export type PolicyFactory = (context: PolicyContext) => AttemptPolicy | undefined;

/**
 * The policies of every server's pipeline, in the order an attempt meets them: an open circuit
 * fails fast before anything waits, and the retry budget takes its deposit only from an attempt
 * the rate limit let out (not from one it refused or that was aborted in its queue). A factory
 * returns undefined when its policy is off.
 */
export const POLICY_FACTORIES: readonly PolicyFactory[] = [
  circuitBreakerPolicy,
  rateLimitPolicy,
  retryBudgetPolicy,
];
